using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Cri;

/// <summary>The private containerd every CRI and ctr test runs on: it serves its own socket and takes the offline image.</summary>
[TestFixture]
[NonParallelizable]
public class PrivateContainerdTests
{
    [Test]
    public void ServesItsOwnSocketAndImportsTheBusyboxImage()
    {
        using var node = new RuntimeNode("cri");
        using var containerd = new PrivateContainerd(node);
        containerd.ImportImage();

        Assert.That(containerd.Ctr(PrivateContainerd.CriNamespace, "images", "ls", "-q"), Does.Contain(PrivateContainerd.Image));
        Assert.That(containerd.Ctr("default", "version"), Does.Contain("UUID"), containerd.Log);
        Assert.That(Directory.EnumerateFiles(Path.Combine(containerd.Dir, "root", "io.containerd.content.v1.content"), "*",
            SearchOption.AllDirectories), Is.Not.Empty, "the image's blobs are in the private root");
    }
}
