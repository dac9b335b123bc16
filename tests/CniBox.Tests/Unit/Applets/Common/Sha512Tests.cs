using System.Security.Cryptography;
using CniBox.Applets.Common;

namespace CniBox.Tests.Unit.Applets.Common;

public class Sha512Tests
{
    [Test]
    public void ManagedSha512MatchesTheLibraryAtEveryPaddingBoundary()
    {
        for (var n = 0; n < 300; n++)
        {
            var data = Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();
            Assert.That(Convert.ToHexString(Sha512.Hash(data)), Is.EqualTo(Convert.ToHexString(SHA512.HashData(data))), $"length {n}");
        }
    }
}
