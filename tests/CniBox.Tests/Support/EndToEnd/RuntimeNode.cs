using System.Diagnostics;
using System.Text;

namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// The "host" a runtime runs on in an end-to-end test: a throwaway netns (<c>cbt-&lt;tag&gt;-*</c>, lo up) that
/// every runtime process of the test is started in with <c>nsenter --net</c>, so bridges, iptables and nftables
/// rules, sysctls and 127.0.0.1 are the node's, never the real host's. Only the network namespace is entered: the
/// mount namespace stays the host's, so the netns files a runtime bind-mounts under /run/netns survive between its
/// invocations. The plugins log at debug level into <see cref="PluginLog"/> (CNIBOX_LOG_FILE, inherited through the
/// runtime), which <see cref="Report"/> prints with the node's kernel state when a step fails.
/// </summary>
public sealed class RuntimeNode : IDisposable
{
    private readonly TestNetns _netns;

    public RuntimeNode(string tag)
    {
        _netns = new TestNetns(tag);
        _netns.IpIn("link", "set", "lo", "up");
        Dir = Directory.CreateTempSubdirectory($"cbt-{tag}-").FullName;
        PluginLog = System.IO.Path.Combine(Dir, "plugins.log");
    }

    public string Name => _netns.Name;
    public string NetnsPath => _netns.Path;

    /// <summary>A private temp dir for the runtime's config and state; removed on Dispose.</summary>
    public string Dir { get; }

    public string PluginLog { get; }

    /// <summary>The environment every runtime process gets on top of the test's, so the plugins it execs log.</summary>
    public Dictionary<string, string> PluginLogEnv => new()
    {
        ["CNIBOX_LOG_FILE"] = PluginLog,
        ["CNIBOX_LOG_LEVEL"] = "debug",
    };

    public string IpIn(params string[] args) => _netns.IpIn(args);

    /// <summary>Runs <paramref name="program"/> in the node's netns and waits up to <paramref name="timeout"/>.</summary>
    public ProcessResult Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        TimeSpan? timeout = null, string stdin = "")
    {
        using var process = Process.Start(StartInfo(program, args, env))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not exit in time{Environment.NewLine}" +
                $"stdout: {stdout.Result}{Environment.NewLine}stderr: {stderr.Result}");
        }
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Like <see cref="Run"/>, and fails the test with <see cref="Report"/> when the exit code is not 0.</summary>
    public string Must(string program, params string[] args) => Must(program, args, null);

    public string Must(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env,
        TimeSpan? timeout = null)
    {
        var list = args.ToList();
        var result = Run(program, list, env, timeout);
        if (result.ExitCode != 0)
            Assert.Fail($"{program} {string.Join(' ', list)} exited {result.ExitCode}{Environment.NewLine}" +
                $"stderr: {result.Stderr.Trim()}{Environment.NewLine}stdout: {result.Stdout.Trim()}{Environment.NewLine}{Report()}");
        return result.Stdout;
    }

    /// <summary>A long-running process (a daemon) in the node's netns; the caller kills it by PID.</summary>
    public Process Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var process = Process.Start(StartInfo(program, args, env))!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>The plugin calls logged so far and the node's links, addresses, routes and firewall.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine($"--- plugin calls ({PluginLog}) ---");
        text.AppendLine(File.Exists(PluginLog) ? File.ReadAllText(PluginLog) : "(none logged)");
        foreach (var (program, args) in new (string, string[])[]
        {
            ("ip", ["-d", "link"]), ("ip", ["addr"]), ("ip", ["route"]), ("nft", ["list", "ruleset"]),
            ("iptables-save", []), ("ip6tables-save", []),
        })
        {
            var result = Run(program, args, timeout: TimeSpan.FromSeconds(10));
            text.AppendLine($"--- {program} {string.Join(' ', args)} in {Name} ---");
            text.AppendLine(result.Stdout + result.Stderr);
        }
        return text.ToString();
    }

    public void Dispose()
    {
        _netns.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private ProcessStartInfo StartInfo(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo("nsenter")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[$"--net={NetnsPath}", "--", program, .. args]) psi.ArgumentList.Add(arg);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("CNI_") || k.StartsWith("CNIBOX_")).ToList())
            psi.Environment.Remove(key);
        foreach (var (key, value) in PluginLogEnv) psi.Environment[key] = value;
        foreach (var (key, value) in env ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        return psi;
    }
}
