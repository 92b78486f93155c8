using System.Diagnostics;
using System.Globalization;
using Chorus.StepsService.Tests.Infrastructure;

namespace Chorus.StepsService.Tests.Demo;

/// <summary>The service as a process, and the README's curl script run against it.</summary>
public sealed class ServiceProcessTests
{
    [Fact]
    public async Task The_curl_script_passes_against_the_running_service()
    {
        var port = ServiceProcess.FreePort();
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { ["PORT"] = Text(port) });
        await service.WaitHealthyAsync(port);

        var (code, output) = await RunScriptAsync($"http://127.0.0.1:{port}");

        Assert.True(code == 0, $"test_steps_service.sh exited with {code}:\n{output}\nService log:\n{service.Output}");
        Assert.Contains("== transform_data: POST /steps/transform_data -> 200", output, StringComparison.Ordinal);
        Assert.Contains("== unknown_step: POST /steps/no_such_step -> 404", output, StringComparison.Ordinal);
        // JSON console logs, one object a line.
        Assert.Contains(service.Output.Split('\n'), line => line.StartsWith('{') && line.Contains("\"Category\":\"Chorus.StepsService", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_curl_script_fails_when_no_service_answers()
    {
        var (code, output) = await RunScriptAsync($"http://127.0.0.1:{ServiceProcess.FreePort()}");

        Assert.True(code != 0, "The script passed with nothing to talk to:\n" + output);
        Assert.Contains("FAIL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aspnetcore_urls_overrides_port()
    {
        var port = ServiceProcess.FreePort();
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["PORT"] = Text(ServiceProcess.FreePort()),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        await service.WaitHealthyAsync(port);
    }

    [Fact]
    public async Task A_malformed_port_stops_the_service_with_exit_code_2_and_one_line()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { ["PORT"] = "eighty" });

        Assert.Equal(2, await service.WaitForExitAsync());
        Assert.Equal("chorus-steps: invalid configuration: PORT: 'eighty' is not a whole number from 0 to 65535.", service.Output.Trim());
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(string baseUrl)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(ServiceProcess.RepositoryRoot(), "scripts", "test_steps_service.sh"));
        info.ArgumentList.Add(baseUrl);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
