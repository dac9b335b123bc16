using System.Diagnostics;
using CriClient;
using CriClient.Api;
using Google.Protobuf;

// criclient SOCKET COMMAND ARGS: one CRI call per command (bench/cri.sh times them), the elapsed milliseconds of
// the call on stdout after its result. POD.json and CONTAINER.json are a PodSandboxConfig and a ContainerConfig
// in protobuf's JSON mapping (camelCase field names, "portMappings":[{"containerPort":80,"hostPort":18600}]).
const string Usage = """
    usage: criclient SOCKET version | status
           criclient SOCKET runp POD.json                         -> POD_ID MS
           criclient SOCKET inspectp POD_ID                       -> IP STATE
           criclient SOCKET stopp POD_ID | rmp POD_ID             -> MS
           criclient SOCKET create POD_ID CONTAINER.json POD.json -> CONTAINER_ID MS
           criclient SOCKET start | stop | rm CONTAINER_ID        -> MS
    """;

if (args.Length < 2)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using var cri = new CriConnection(args[0]);
var runtime = cri.Runtime;
var timer = Stopwatch.StartNew();
string Ms() => timer.Elapsed.TotalMilliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
string Arg(int index) => args.Length > index ? args[index] : throw new ArgumentException($"{args[1]}: argument {index - 1} missing\n{Usage}");
T Json<T>(string path) where T : IMessage<T>, new() => JsonParser.Default.Parse<T>(File.ReadAllText(path));

try
{
    switch (args[1])
    {
        case "version":
            var version = runtime.Version(new VersionRequest { Version = "v1" });
            Console.WriteLine($"{version.RuntimeName} {version.RuntimeVersion} {version.RuntimeApiVersion}");
            break;
        case "status":
            foreach (var condition in runtime.Status(new StatusRequest()).Status.Conditions)
                Console.WriteLine($"{condition.Type}={condition.Status} {condition.Reason} {condition.Message}".TrimEnd());
            break;
        case "runp":
            var config = Json<PodSandboxConfig>(Arg(2));
            timer.Restart();
            var pod = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = config });
            Console.WriteLine($"{pod.PodSandboxId} {Ms()}");
            break;
        case "inspectp":
            var status = runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = Arg(2) }).Status;
            Console.WriteLine($"{status.Network?.Ip} {status.State}");
            break;
        case "stopp":
            runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = Arg(2) });
            Console.WriteLine(Ms());
            break;
        case "rmp":
            runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = Arg(2) });
            Console.WriteLine(Ms());
            break;
        case "create":
            var request = new CreateContainerRequest
            {
                PodSandboxId = Arg(2), Config = Json<ContainerConfig>(Arg(3)), SandboxConfig = Json<PodSandboxConfig>(Arg(4)),
            };
            timer.Restart();
            Console.WriteLine($"{runtime.CreateContainer(request).ContainerId} {Ms()}");
            break;
        case "start":
            runtime.StartContainer(new StartContainerRequest { ContainerId = Arg(2) });
            Console.WriteLine(Ms());
            break;
        case "stop":
            runtime.StopContainer(new StopContainerRequest { ContainerId = Arg(2) });
            Console.WriteLine(Ms());
            break;
        case "rm":
            runtime.RemoveContainer(new RemoveContainerRequest { ContainerId = Arg(2) });
            Console.WriteLine(Ms());
            break;
        default:
            Console.Error.WriteLine($"unknown command {args[1]}\n{Usage}");
            return 2;
    }
    return 0;
}
catch (Grpc.Core.RpcException e)
{
    Console.Error.WriteLine($"{args[1]}: {e.StatusCode}: {e.Status.Detail}");
    return 1;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidProtocolBufferException or InvalidJsonException)
{
    Console.Error.WriteLine($"{args[1]}: {e.Message}");
    return 2;
}
