using System.Diagnostics;

namespace Chorus.EndToEnd.Tests.Containers;

/// <summary>The repository's Dockerfile built for real, once per test class: its two targets, on local base images
/// (scripts/docker-base-images.sh) because no registry is reachable from the machines the tests run on. Docker's own
/// layer cache and the script's image checks make later runs quick.</summary>
public sealed class ContainerImages : IAsyncLifetime
{
    public const string Server = "chorus-e2e/server";
    public const string StepsService = "chorus-e2e/steps-service";

    private static readonly TimeSpan BaseImagesTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long preparing the images took, for the test output.</summary>
    public TimeSpan Elapsed { get; private set; }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
                return dir.FullName;
        Assert.Fail("Chorus.slnx was not found above " + AppContext.BaseDirectory);
        return "";
    }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        var root = RepositoryRoot();
        // The script starts dockerd when none answers (installing docker.io when missing) and prints the base images.
        var bases = await DockerCli.RunAsync("bash", ["scripts/docker-base-images.sh"], BaseImagesTimeout, root);
        Assert.True(bases.ExitCode == 0, $"scripts/docker-base-images.sh exited with {bases.ExitCode}; Docker cannot run here:\n{bases.Output}");
        var buildArgs = bases.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("SDK_IMAGE=", StringComparison.Ordinal) || line.StartsWith("RUNTIME_IMAGE=", StringComparison.Ordinal))
            .SelectMany(line => new[] { "--build-arg", line })
            .ToArray();
        Assert.True(buildArgs.Length == 4, $"scripts/docker-base-images.sh did not print SDK_IMAGE= and RUNTIME_IMAGE=:\n{bases.Output}");

        await BuildAsync(root, buildArgs, Server, "server");
        await BuildAsync(root, buildArgs, StepsService, "steps-service");
        Elapsed = clock.Elapsed;
    }

    private static async Task BuildAsync(string root, string[] buildArgs, string tag, string target)
    {
        var build = await DockerCli.RunAsync(DockerCli.Client, ["build", .. buildArgs, "--target", target, "-t", tag, "."], BuildTimeout, root);
        Assert.True(build.ExitCode == 0, $"docker build --target {target} exited with {build.ExitCode}:\n{build.Output}");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
