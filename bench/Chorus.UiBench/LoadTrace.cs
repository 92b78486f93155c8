using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Chorus.UiBench;

/// <summary>A Chrome trace of one phase (DevTools' Performance panel opens it), summed up as the page's long tasks
/// and what each one spent its time on (script, style, layout, paint...). The CPU profile sees only JavaScript; a
/// long task can also be the browser's own work on what the script left it, which only a trace shows.</summary>
internal sealed class LoadTrace(ICDPSession session, Task<JsonElement?> complete)
{
    private const string Categories = "devtools.timeline,disabled-by-default-devtools.timeline,v8,v8.execute,blink,loading";

    public static async Task<LoadTrace> StartAsync(IPage tab)
    {
        var session = await tab.Context.NewCDPSessionAsync(tab);
        var complete = new TaskCompletionSource<JsonElement?>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Event("Tracing.tracingComplete").OnEvent += (_, e) => complete.TrySetResult(e);
        await session.SendAsync("Tracing.start", new Dictionary<string, object> { ["categories"] = Categories, ["transferMode"] = "ReturnAsStream" });
        return new LoadTrace(session, complete.Task);
    }

    /// <summary>Stops, writes the trace to <paramref name="path"/> and returns its long tasks with their parts.</summary>
    public async Task<string> StopAsync(string path)
    {
        await session.SendAsync("Tracing.end");
        var done = await complete.WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("The trace came back empty.");
        var stream = done.GetProperty("stream").GetString()!;
        await using (var file = File.Create(path))
            for (var eof = false; !eof;)
            {
                var chunk = await session.SendAsync("IO.read", new Dictionary<string, object> { ["handle"] = stream, ["size"] = 1 << 20 })
                    ?? throw new InvalidOperationException("The trace stream ended early.");
                var data = chunk.GetProperty("data").GetString() ?? "";
                var bytes = chunk.TryGetProperty("base64Encoded", out var b64) && b64.GetBoolean() ? Convert.FromBase64String(data) : System.Text.Encoding.UTF8.GetBytes(data);
                await file.WriteAsync(bytes);
                eof = chunk.GetProperty("eof").GetBoolean();
            }
        await session.SendAsync("IO.close", new Dictionary<string, object> { ["handle"] = stream });
        using var trace = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        var root = trace.RootElement;
        return Summary(root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("traceEvents"));
    }

    /// <summary>An event on one thread: its start and wall-clock length, and the CPU time the thread spent in it, which
    /// other processes on a busy machine do not stretch.</summary>
    private sealed record Slice(string Name, double Start, double Duration, double Cpu);

    private static string Summary(JsonElement events)
    {
        // The page's main thread: the renderer thread that ran the most tasks.
        var slices = new Dictionary<(int Pid, int Tid), List<Slice>>();
        var mainThreads = new HashSet<(int, int)>();
        foreach (var e in events.EnumerateArray())
        {
            var key = (e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32());
            var name = e.GetProperty("name").GetString() ?? "";
            if (e.GetProperty("ph").GetString() == "M" && name == "thread_name"
                && e.GetProperty("args").GetProperty("name").GetString() == "CrRendererMain")
                mainThreads.Add(key);
            if (e.GetProperty("ph").GetString() == "X" && e.TryGetProperty("dur", out var dur))
            {
                if (!slices.TryGetValue(key, out var list))
                    slices[key] = list = [];
                var cpu = e.TryGetProperty("tdur", out var tdur) ? tdur.GetDouble() / 1000 : dur.GetDouble() / 1000;
                list.Add(new Slice(Label(name, e), e.GetProperty("ts").GetDouble() / 1000, dur.GetDouble() / 1000, cpu));
            }
        }
        var main = slices.Where(p => mainThreads.Contains(p.Key)).OrderByDescending(p => p.Value.Count(s => s.Name == "RunTask")).FirstOrDefault().Value;
        if (main is null)
            return "  no renderer main thread in the trace";
        main.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Duration.CompareTo(a.Duration));
        var origin = main[0].Start;
        var lines = new List<string>();
        foreach (var task in main.Where(s => s.Name == "RunTask" && (s.Duration >= 30 || s.Cpu >= 20)))
        {
            // The time of each kind of work inside the task, counted once where the same kind nests.
            var inside = main.Where(s => s.Start >= task.Start && s.Start + s.Duration <= task.Start + task.Duration + 0.01 && s != task).ToList();
            var parts = inside.GroupBy(s => s.Name)
                .Select(g => (g.Key, Ms: Outermost(g.ToList()).Sum(s => s.Cpu)))
                .OrderByDescending(p => p.Ms).Take(10);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  task at {task.Start - origin:F0} ms, {task.Duration:F0} ms ({task.Cpu:F0} ms CPU): {string.Join(", ", parts.Select(p => $"{p.Key} {p.Ms:F1}"))}"));
        }
        return lines.Count == 0 ? "  no task of 30 ms (or 20 ms of CPU) or more"
            : string.Join('\n', lines.Prepend("  main-thread tasks of 30 ms (or 20 ms of CPU) or more, each with its CPU time by kind of work:"));
    }

    /// <summary>The slices not inside another of the same list (sorted by start).</summary>
    private static IEnumerable<Slice> Outermost(List<Slice> same)
    {
        var end = double.MinValue;
        foreach (var s in same)
        {
            if (s.Start >= end)
                yield return s;
            end = Math.Max(end, s.Start + s.Duration);
        }
    }

    /// <summary>The event's name, with the script or callback it ran where the trace says.</summary>
    private static string Label(string name, JsonElement e)
    {
        if (!e.TryGetProperty("args", out var args) || !args.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            return name;
        if (name is "EvaluateScript" or "v8.compile" && data.TryGetProperty("url", out var url))
            return $"{name} {Path.GetFileName(url.GetString())}";
        if (name == "FunctionCall" && data.TryGetProperty("functionName", out var fn) && fn.GetString() is { Length: > 0 } f)
            return $"{name} {f}";
        return name;
    }
}
