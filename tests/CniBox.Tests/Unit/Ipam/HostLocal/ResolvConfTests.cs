using CniBox.Ipam.HostLocal;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Ipam.HostLocal;

public class ResolvConfTests
{
    [Test]
    public void ParsesAsGo()
    {
        var dns = ResolvConf.Parse("""
            # comment
            ; also a comment
              nameserver 10.0.0.1   # trailing text is not a comment
            nameserver 2001:db8::1
            nameserver
            domain example.com
            domain other.example
            search a.example b.example
            search c.example
            options ndots:2 timeout:1
            sortlist 10.0.0.0
            NAMESERVER 1.1.1.1
            """);
        Assert.That(dns.Nameservers, Is.EqualTo(new[] { "10.0.0.1", "2001:db8::1" }));
        Assert.That(dns.Domain, Is.EqualTo("other.example"));
        Assert.That(dns.Search, Is.EqualTo(new[] { "a.example", "b.example", "c.example" }));
        Assert.That(dns.Options, Is.EqualTo(new[] { "ndots:2", "timeout:1" }));
    }

    [Test]
    public void EmptyFileGivesEmptyDns() => Assert.That(ResolvConf.Parse("\n\n").IsEmpty, Is.True);

    [Test]
    public void TabsAndCrlf() =>
        Assert.That(ResolvConf.Parse("nameserver\t10.0.0.1\r\nsearch\tx\r\n").Nameservers, Is.EqualTo(new[] { "10.0.0.1" }));

    [Test]
    public void MissingFileIsGosOpenError()
    {
        var e = Assert.Throws<CniException>(() => ResolvConf.Load("/nonexistent/resolv.conf"))!;
        Assert.That(e.Msg, Is.EqualTo("open /nonexistent/resolv.conf: no such file or directory"));
    }
}
