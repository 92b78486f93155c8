using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Chorus.UiBench;

/// <summary>The page's JavaScript CPU profile over one phase, through the DevTools protocol: saved as a .cpuprofile
/// (DevTools' Performance panel opens it) and summed up as the functions that took the most time themselves.</summary>
internal sealed class CpuProfile(ICDPSession session)
{
    public static async Task<CpuProfile> StartAsync(IPage tab)
    {
        var session = await tab.Context.NewCDPSessionAsync(tab);
        await session.SendAsync("Profiler.enable");
        await session.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 200 });
        await session.SendAsync("Profiler.start");
        return new CpuProfile(session);
    }

    /// <summary>Stops, writes the profile to <paramref name="path"/> and returns its top functions by self time.</summary>
    public async Task<string> StopAsync(string path, int top = 15)
    {
        var answer = await session.SendAsync("Profiler.stop") ?? throw new InvalidOperationException("No profile came back.");
        var profile = answer.GetProperty("profile");
        await File.WriteAllTextAsync(path, profile.GetRawText());
        return Summary(profile, top);
    }

    private static string Summary(JsonElement profile, int top)
    {
        var frames = new Dictionary<int, string>();
        foreach (var node in profile.GetProperty("nodes").EnumerateArray())
        {
            var frame = node.GetProperty("callFrame");
            var name = frame.GetProperty("functionName").GetString() is { Length: > 0 } f ? f : "(anonymous)";
            var file = Path.GetFileName(frame.GetProperty("url").GetString() ?? "");
            frames[node.GetProperty("id").GetInt32()] = file.Length > 0 ? $"{name} ({file}:{frame.GetProperty("lineNumber").GetInt32() + 1})" : name;
        }
        var self = new Dictionary<string, double>();
        var samples = profile.GetProperty("samples").EnumerateArray().Select(s => s.GetInt32()).ToList();
        var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(d => d.GetDouble()).ToList();
        // A sample's time is the gap to the next one.
        for (var i = 0; i + 1 < samples.Count; i++)
            self[frames[samples[i]]] = self.GetValueOrDefault(frames[samples[i]]) + deltas[i + 1] / 1000;
        var total = self.Where(p => p.Key != "(idle)").Sum(p => p.Value);
        return string.Join('\n', self.OrderByDescending(p => p.Value).Take(top)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"  {p.Value,7:F1} ms  {p.Key}"))
            .Prepend(string.Create(CultureInfo.InvariantCulture, $"  busy {total:F0} ms; self time by function:")));
    }
}
