using CniBox.Applets.Tuning;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Applets.Tuning;

/// <summary>tuning's verbs as the skel drives them, for what is decided before any namespace is entered (no root).</summary>
public class TuningAppletTests
{
    private const string Prev =
        "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/x\"}],\"ips\":[]}";

    private static string Conf(string extra, bool withPrev = true) =>
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"tuning\",\"dataDir\":\"/nonexistent/cbt-tuning\"" + extra +
        (withPrev ? ",\"prevResult\":" + Prev : "") + "}";

    private static InMemorySkel.Outcome Run(string verb, string conf, string allowlist = "/nonexistent/cbt-allowlist.conf") =>
        InMemorySkel.Run(new TuningApplet(allowlist), InMemorySkel.Env(verb), conf, name: "tuning");

    [TestCase("ADD")]
    [TestCase("CHECK")]
    public void WithoutPrevResultAddAndCheckFailWithGosTuningMessage(string verb) =>
        Assert.That(Run(verb, Conf(",\"mtu\":1400", withPrev: false)).Error(), Is.EqualTo((999, "Required prevResult missing")));

    [Test]
    public void DelWithoutPrevResultOrBackupSucceedsWithoutTheNetns()
    {
        var outcome = Run("DEL", Conf(",\"mtu\":1400", withPrev: false));
        Assert.That((outcome.Exit, outcome.Stdout), Is.EqualTo((0, "")));
    }

    [Test]
    public void AnInvalidMacIsRefusedBeforeAnythingChanges() =>
        Assert.That(Run("ADD", Conf(",\"mac\":\"zz\"")).Error(),
            Is.EqualTo((7, "invalid args zz for MAC addr: address zz: invalid MAC address")));

    [Test]
    public void ASysctlOutsideNetIsRefusedBeforeAnythingChanges() =>
        Assert.That(Run("ADD", Conf(",\"sysctl\":{\"kernel.hostname\":\"x\"}")).Error(),
            Is.EqualTo((7, "invalid net sysctl key: \"kernel/hostname\"")));

    [Test]
    public void TheAllowlistPathIsTheApplets()
    {
        var list = Path.GetTempFileName();
        try
        {
            File.WriteAllText(list, "^net\\.core\\.\n");
            Assert.That(Run("ADD", Conf(",\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}"), list).Error(),
                Is.EqualTo((7, "Sysctl net.ipv4.ip_forward is not allowed. Only the following sysctls are allowed: [^net\\.core\\.]")));
        }
        finally
        {
            File.Delete(list);
        }
    }
}
