using CniBox.Applets;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Integration.Applets.Contract;

/// <summary>The contract table keeps up with the binary: a new plugin without its line fails here.</summary>
public sealed class ContractTableTests
{
    [Test]
    public void EveryPluginAndIpamAppletHasAContractLine()
    {
        var applets = AppletTable.All.Where(a => a.Kind != AppletKind.Tool).Select(a => a.Name);
        Assert.That(ContractCases.All.Select(c => c.Applet), Is.EquivalentTo(applets));
    }

    [Test]
    public void EverySkippedItemSaysWhy()
    {
        foreach (var c in ContractCases.All)
        {
            Assert.That(c.NotApplicable.Values, Has.All.Not.Empty, c.Applet);
            Assert.That(c.Rollback is not null || c.NotApplicable.ContainsKey(ContractItem.RollbackWhenTheLastStepOfAddFails), c.Applet);
        }
    }
}
