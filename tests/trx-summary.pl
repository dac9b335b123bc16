#!/usr/bin/perl
# Reads a VSTest .trx and prints the suite's closing line, counted once from the per-test results:
#   tests: N passed, M failed[, K skipped]
# as its last line; before it, one indented line per failed test ("  FAILED Class.Test: message", the message cut
# at 600 characters) and per skipped test ("  skipped Class.Test: reason"), so a CI log's tail names them.
# Skipped is every result that neither passed nor failed: NUnit's Ignore, Assume/Inconclusive and Explicit all
# reach the trx as NotExecuted. `dotnet test`'s own "Skipped:" counts only Ignore (the adapter reports the other
# two as outcome None, which its summary leaves out of Total too), so it can be lower than this count.
# Exits 2 when the file holds no results. perl-base only (Debian's essential set): no XML module.
use strict;
use warnings;

my $file = shift or die "usage: trx-summary.pl FILE.trx\n";
open my $fh, '<', $file or die "$file: $!\n";
my $trx = do { local $/; <$fh> };

sub unescape {
    my ($s) = @_;
    $s =~ s/&quot;/"/g; $s =~ s/&apos;/'/g; $s =~ s/&lt;/</g; $s =~ s/&gt;/>/g;
    $s =~ s/&#x([0-9A-Fa-f]+);/chr(hex $1)/ge; $s =~ s/&#(\d+);/chr($1)/ge; $s =~ s/&amp;/&/g;
    return $s;
}
sub attr { my ($tag, $name) = @_; return $tag =~ /\b$name="([^"]*)"/ ? unescape($1) : ''; }

# testId -> short class name, from the test definitions.
my %class;
while ($trx =~ /<UnitTest\b([^>]*)>(.*?)<\/UnitTest>/gs) {
    my ($head, $body) = ($1, $2);
    my $id = attr($head, 'id');
    my ($method) = $body =~ /<TestMethod\b([^>]*)/;
    (my $short = attr($method // '', 'className')) =~ s/.*\.//;
    $class{$id} = $short;
}

my ($passed, $failed, @skipped, @failures) = (0, 0);
while ($trx =~ /<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/gs) {
    my ($head, $body) = ($1, $2 // '');
    my $outcome = attr($head, 'outcome');
    if ($outcome eq 'Passed') { $passed++; next; }
    my ($message) = $body =~ /<ErrorInfo>.*?<Message>(.*?)<\/Message>/s;
    my $reason = unescape($message // 'no reason given');
    $reason =~ s/\s+/ /g; $reason =~ s/^ | $//g;
    my $cls = $class{attr($head, 'testId')} // '';
    my $name = ($cls ne '' ? "$cls." : '') . attr($head, 'testName');
    if ($outcome =~ /^(Failed|Error|Timeout|Aborted)$/) {
        $failed++;
        push @failures, "  FAILED $name: " . substr($reason, 0, 600);
        next;
    }
    my $how = $outcome eq 'NotExecuted' ? '' : " [$outcome]";
    push @skipped, "  skipped $name$how: $reason";
}
exit 2 if $passed + $failed + @skipped == 0;

my $line = "tests: $passed passed, $failed failed";
$line .= ", " . scalar(@skipped) . " skipped" if @skipped;
print "$_\n" for sort(@failures), sort(@skipped);
print "$line\n";
