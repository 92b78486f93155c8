using System.Diagnostics;
using Chorus.EndToEnd.Tests.Crash;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>A malformed REDIS_URL or EVENTS_RABBITMQ_URL stops the real server process at start: exit code 2, one line, no
/// password.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class RedisUrlExitTests
{
    [Theory]
    [InlineData("REDIS_URL", "http://user:hunter2@localhost:6379")]
    [InlineData("REDIS_URL", "redis://localhost:6379/not-a-db")]
    [InlineData("REDIS_URL", "localhost:6379,nosuchoption=hunter2")]
    [InlineData("EVENTS_RABBITMQ_URL", "http://user:hunter2@localhost:5672")]
    [InlineData("EVENTS_RABBITMQ_URL", "user:hunter2@localhost")]
    public async Task MalformedEventsUrl_ExitsWithCode2AndOneLine(string variable, string url)
    {
        var dir = Path.Combine(Path.GetTempPath(), "chorus-redis-url-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dir,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Chorus.Server.dll"));
            info.Environment["PORT"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            info.Environment[variable] = url;
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);

            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, process.ExitCode);
            var line = Assert.Single(lines);
            Assert.StartsWith($"chorus: invalid configuration: {variable}: ", line, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", line + await stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
