using CniBox.Spec;
using CniBox.Spec.Results;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// host-local's resolv.conf reader (Go's parseResolvConf): trimmed lines starting with '#' or ';' are
/// comments; lines need a keyword and a value; <c>domain</c> keeps the last, the others accumulate;
/// unknown keywords are ignored. Comments after a value are not stripped.
/// </summary>
public static class ResolvConf
{
    public static ResultDns Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
                UnauthorizedAccessException => "permission denied",
                _ => e.Message,
            };
            throw new CniException(ErrorCode.Internal, $"open {path}: {reason}");
        }
        return Parse(text);
    }

    public static ResultDns Parse(string text)
    {
        var dns = new ResultDns();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2) continue;
            switch (fields[0])
            {
                case "nameserver":
                    (dns.Nameservers ??= []).Add(fields[1]);
                    break;
                case "domain":
                    dns.Domain = fields[1];
                    break;
                case "search":
                    (dns.Search ??= []).AddRange(fields[1..]);
                    break;
                case "options":
                    (dns.Options ??= []).AddRange(fields[1..]);
                    break;
            }
        }
        return dns;
    }
}
