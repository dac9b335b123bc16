using CniBox.Spec.Invoke;

namespace CniBox.Tests.Unit.Spec.Invoke;

public class ChildProcessTests
{
    [Test]
    public void LargeStdinAndStdoutDoNotDeadlock()
    {
        var input = new byte[2 << 20];
        new Random(7).NextBytes(input);
        var result = ChildProcess.Run("/bin/cat", new Dictionary<string, string>(), input);
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Stdout, Is.EqualTo(input));
    }

    [Test]
    public void OverridesWinAndTheCallerEnvironmentIsKept()
    {
        Environment.SetEnvironmentVariable("CNIBOX_TEST_KEPT", "yes");
        var result = ChildProcess.Run("/usr/bin/env", new Dictionary<string, string> { ["CNI_COMMAND"] = "DEL" }, []);
        var lines = System.Text.Encoding.UTF8.GetString(result.Stdout).Split('\n');
        Assert.That(lines, Does.Contain("CNI_COMMAND=DEL").And.Contain("CNIBOX_TEST_KEPT=yes"));
    }

    [Test]
    public void ExitStatusAndStderrAreReported()
    {
        var dir = Directory.CreateTempSubdirectory("cnibox-child").FullName;
        try
        {
            var script = Path.Combine(dir, "p");
            File.WriteAllText(script, "#!/bin/sh\necho oops >&2\nexit 7\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var result = ChildProcess.Run(script, new Dictionary<string, string>(), "ignored"u8.ToArray());
            Assert.That((result.ExitCode, System.Text.Encoding.UTF8.GetString(result.Stderr)), Is.EqualTo((7, "oops\n")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void MissingProgramIsACniError() =>
        Assert.Throws<CniBox.Spec.CniException>(() => ChildProcess.Run("/nonexistent/plugin", new Dictionary<string, string>(), []));
}
