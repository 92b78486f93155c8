using Chorus.EndToEnd.Tests.Cli;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Discovery;

/// <summary>The steps-microservice system on Chorus, as two real processes: the demo steps service and a server
/// that reads its catalog through STEPS_SVC_URL, with the Discovery workflow installed by <c>chorus demo discovery</c>.</summary>
internal sealed class DiscoveryStack : IAsyncDisposable
{
    public const string WorkflowId = "01234567-89ab-cdef-0123-456789abcdef";

    /// <summary>The server's log lines the tests look for: circuit changes and remote calls.</summary>
    private static readonly string[] Watched = ["steps service circuit", "remote step transform_data", "transform_data run"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"chorus-discovery-{Guid.NewGuid():N}");

    private DiscoveryStack() => Directory.CreateDirectory(_directory);

    public int StepsPort { get; } = ServerProcess.FreePort();
    public int ServerPort { get; } = ServerProcess.FreePort();
    public ServerProcess Steps { get; private set; } = null!;
    public ServerProcess Server { get; private set; } = null!;
    public ChorusApi Api { get; private set; } = null!;

    public static async Task<DiscoveryStack> StartAsync()
    {
        var stack = new DiscoveryStack();
        try
        {
            await stack.StartStepsServiceAsync();
            stack.Server = await ServerProcess.StartAsync(stack.ServerPort, Path.Combine(stack._directory, "chorus.db"),
                new Dictionary<string, string> { ["STEPS_SVC_URL"] = $"http://127.0.0.1:{stack.StepsPort}" }, watchFor: Watched);
            stack.Api = new ChorusApi(stack.ServerPort);
            var install = await CliProcess.RunAsync("demo", "discovery", "--server", $"http://127.0.0.1:{stack.ServerPort}",
                "--token", TestTokens.For("default"));
            Assert.True(install.ExitCode == 0, install.ToString());
            Assert.Contains(WorkflowId, install.Stdout);
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
        return stack;
    }

    /// <summary>Starts the steps service on its port (again, after <see cref="ServerProcess.KillAsync"/>).</summary>
    public async Task StartStepsServiceAsync()
    {
        if (Steps is not null)
            await Steps.DisposeAsync();
        Steps = await ServerProcess.StartAsync(StepsPort, Path.Combine(_directory, "unused.db"), workingDirectory: _directory,
            program: "Chorus.StepsService.dll", watchFor: Watched);
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (Server is not null)
            await Server.DisposeAsync();
        if (Steps is not null)
            await Steps.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
