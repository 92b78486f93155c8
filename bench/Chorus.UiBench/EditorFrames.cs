using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Chorus.UiBench;

/// <summary>EDITOR: how long the browser's frames get while a large workflow's graph loads, is panned, zoomed and a node
/// dragged. A script in the page records every gap between animation frames (requestAnimationFrame) and every long task
/// (PerformanceObserver 'longtask', a task over 50 ms); each phase reports its longest frame and long tasks.</summary>
internal static class EditorFrames
{
    private const string Recorder = """
        (() => {
          const f = { gaps: [], longtasks: [], last: 0 };
          window.__chorusFrames = f;
          const tick = (t) => { if (f.last) f.gaps.push(t - f.last); f.last = t; requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          try {
            new PerformanceObserver((list) => { for (const e of list.getEntries()) f.longtasks.push(e.duration); })
              .observe({ type: "longtask", buffered: true });
          } catch { /* no long task timing in this browser */ }
        })();
        """;

    /// <summary><paramref name="profile"/>: where to write the page load's CPU profile, whose busiest functions go to stderr;
    /// <paramref name="trace"/>: where to write its Chrome trace, whose long tasks go to stderr.</summary>
    public static async Task<WsLatency.Result> RunAsync(int steps, string page, string? profile = null, string? trace = null)
    {
        await using var server = await BenchServer.StartAsync();
        var tenant = "editor-bench";
        var definition = LargeWorkflow(steps);
        var (status, check) = await server.ApiAsync(HttpMethod.Post, "api/workflows/validate", tenant, definition);
        if (status != 200 || check?["valid"]?.GetValue<bool>() == false)
            throw new InvalidOperationException($"The generated workflow is not valid: HTTP {status} {check?.ToJsonString()}");
        var id = await server.CreateWorkflowAsync(tenant, definition);

        await using var browser = await UiBrowser.LaunchAsync();
        var tab = await browser.NewPageAsync(server.Address);
        await tab.Context.AddInitScriptAsync(Recorder);
        await UiBrowser.SignInAsync(tab, BenchServer.Token(tenant));

        var url = page == "overview" ? $"/ui/workflows/{id}" : $"/ui/workflows/{id}/edit";
        var lines = new List<string>();
        // The recorder is read, and the graph awaited, through DevTools' protocol: Playwright's own calls (locators,
        // EvaluateAsync) first load its injected script into a new page, a task of 20-30 ms of CPU that landed inside
        // the load phase and was counted as the editor's.
        var devTools = await tab.Context.NewCDPSessionAsync(tab);
        var profiler = profile is null ? null : await CpuProfile.StartAsync(tab);
        var tracer = trace is null ? null : await LoadTrace.StartAsync(tab);
        var load = await PhaseAsync(tab, devTools, async () =>
        {
            await tab.GotoAsync(url);
            await GraphShownAsync(tab, devTools);
        });
        if (profiler is not null)
            Console.Error.WriteLine($"  page load profile: {profile}\n{await profiler.StopAsync(profile!)}");
        if (tracer is not null)
            Console.Error.WriteLine($"  page load trace: {trace}\n{await tracer.StopAsync(trace!)}");
        var nodes = await tab.Locator(".react-flow__node").CountAsync();
        lines.Add(load.Line("load"));

        var pane = await tab.Locator(".react-flow").BoundingBoxAsync() ?? throw new InvalidOperationException("No graph on the page.");
        var (px, py) = await EmptyPointAsync(tab, pane);
        lines.Add((await PhaseAsync(tab, devTools, async () =>
        {
            await tab.Mouse.MoveAsync(px, py);
            await tab.Mouse.DownAsync();
            await tab.Mouse.MoveAsync(px + 300, py + 200, new() { Steps = 40 });
            await tab.Mouse.MoveAsync(px - 200, py - 100, new() { Steps = 40 });
            await tab.Mouse.UpAsync();
        })).Line("pan"));

        var (cx, cy) = (pane.X + pane.Width / 2, pane.Y + pane.Height / 2);
        lines.Add((await PhaseAsync(tab, devTools, async () =>
        {
            await tab.Mouse.MoveAsync(cx, cy);
            for (var i = 0; i < 10; i++)
            {
                await tab.Mouse.WheelAsync(0, -120);
                await tab.WaitForTimeoutAsync(30);
            }
            for (var i = 0; i < 15; i++)
            {
                await tab.Mouse.WheelAsync(0, 120);
                await tab.WaitForTimeoutAsync(30);
            }
        })).Line("zoom"));

        // A node fully in view, dragged around (a read-only graph does not move it, but the pointer events still run).
        var node = await VisibleNodeAsync(tab, pane);
        var drag = await PhaseAsync(tab, devTools, async () =>
        {
            await tab.Mouse.MoveAsync(node.X, node.Y);
            await tab.Mouse.DownAsync();
            await tab.Mouse.MoveAsync(node.X + 150, node.Y + 100, new() { Steps = 40 });
            await tab.Mouse.MoveAsync(node.X - 100, node.Y + 50, new() { Steps = 40 });
            await tab.Mouse.UpAsync();
        });
        lines.Add(drag.Line("drag node"));

        return new WsLatency.Result(drag.MaxFrame, string.Create(CultureInfo.InvariantCulture,
            $"EDITOR {steps} steps on {url.Replace(id, "{id}", StringComparison.Ordinal)} ({nodes} nodes in the DOM): {string.Join("; ", lines)}; load average {WsLatency.LoadAverage()}; goal: no frame over 100 ms"));
    }

    private sealed record Phase(double MaxFrame, int Frames, int LongTasks, double MaxLongTask, double Seconds)
    {
        public string Line(string name) => string.Create(CultureInfo.InvariantCulture,
            $"{name}: max frame {MaxFrame:F0} ms over {Frames} frames in {Seconds:F1} s, {LongTasks} long tasks (longest {MaxLongTask:F0} ms)");
    }

    /// <summary>Runs the action with the recorder emptied first, then waits for half a second of quiet and reads it.</summary>
    private static async Task<Phase> PhaseAsync(IPage tab, ICDPSession devTools, Func<Task> action)
    {
        await EvaluateAsync(devTools, "(() => { const f = window.__chorusFrames; f.gaps = []; f.longtasks = []; f.last = 0; })()");
        var started = DateTimeOffset.UtcNow;
        await action();
        await tab.WaitForTimeoutAsync(500);
        var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        var r = await EvaluateAsync(devTools, "(() => { const f = window.__chorusFrames; return { gaps: f.gaps, longtasks: f.longtasks }; })()");
        var gaps = r.GetProperty("gaps").EnumerateArray().Select(g => g.GetDouble()).ToList();
        var longtasks = r.GetProperty("longtasks").EnumerateArray().Select(g => g.GetDouble()).ToList();
        return new Phase(gaps.DefaultIfEmpty(0).Max(), gaps.Count, longtasks.Count, longtasks.DefaultIfEmpty(0).Max(), seconds);
    }

    /// <summary>The value of a script run in the page's own world by DevTools' Runtime.evaluate (a promise is awaited).</summary>
    private static async Task<JsonElement> EvaluateAsync(ICDPSession devTools, string expression)
    {
        var answer = await devTools.SendAsync("Runtime.evaluate", new Dictionary<string, object>
        {
            ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true,
        }) ?? throw new InvalidOperationException("Runtime.evaluate gave no answer.");
        if (answer.TryGetProperty("exceptionDetails", out var error))
            throw new InvalidOperationException($"The page threw: {error.GetRawText()}");
        return answer.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Waits for the first step on the graph (checked every 50 ms by the page itself), then for the network to
    /// go quiet.</summary>
    private static async Task GraphShownAsync(IPage tab, ICDPSession devTools)
    {
        await EvaluateAsync(devTools, """
            new Promise((resolve, reject) => {
              const started = performance.now();
              const check = () => document.querySelector(".react-flow__node") ? resolve(true)
                : performance.now() - started > 60000 ? reject(new Error("No step on the graph after 60 s."))
                : setTimeout(check, 50);
              check();
            })
            """);
        await tab.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>A point of the graph's pane with no node, edge or control under it, to pan from.</summary>
    private static async Task<(float X, float Y)> EmptyPointAsync(IPage tab, LocatorBoundingBoxResult pane)
    {
        var found = await tab.EvaluateAsync<float[]?>("""
            ([x0, y0, w, h]) => {
              for (let y = y0 + 20; y < y0 + h - 20; y += 15)
                for (let x = x0 + 20; x < x0 + w - 20; x += 15) {
                  const el = document.elementFromPoint(x, y);
                  if (el && el.closest(".react-flow__pane") && !el.closest(".react-flow__node, .react-flow__edge, .react-flow__panel, .react-flow__controls, .react-flow__minimap"))
                    return [x, y];
                }
              return null;
            }
            """, new[] { pane.X, pane.Y, pane.Width, pane.Height });
        return found is { Length: 2 } ? (found[0], found[1]) : (pane.X + 10, pane.Y + 10);
    }

    private static async Task<(float X, float Y)> VisibleNodeAsync(IPage tab, LocatorBoundingBoxResult pane)
    {
        var nodes = tab.Locator(".react-flow__node");
        var count = await nodes.CountAsync();
        for (var i = 0; i < count; i++)
        {
            var box = await nodes.Nth(i).BoundingBoxAsync();
            if (box is not null && box.X > pane.X + 20 && box.Y > pane.Y + 20 && box.X + box.Width < pane.X + pane.Width - 200 && box.Y + box.Height < pane.Y + pane.Height - 150)
                return (box.X + box.Width / 2, box.Y + box.Height / 2);
        }
        throw new InvalidOperationException("No node lies fully inside the graph's pane.");
    }

    /// <summary>A valid workflow of <paramref name="steps"/> steps (a multiple of 10) in segments of ten: a field, a
    /// condition with two branches that meet again, a parallel step of three branches and their join, and a log line.</summary>
    internal static JsonObject LargeWorkflow(int steps)
    {
        var segments = Math.Max(1, steps / 10);
        var list = new JsonArray();
        for (var k = 1; k <= segments; k++)
        {
            string S(string name) => $"s{k}_{name}";
            JsonObject Set(string id, string next) => new()
            {
                ["id"] = id, ["name"] = $"Set {id}", ["type"] = "addField",
                ["config"] = new JsonObject { ["field"] = id, ["value"] = k },
                ["next"] = next,
            };
            list.Add(Set(S("set"), S("check")));
            list.Add(new JsonObject
            {
                ["id"] = S("check"), ["name"] = $"Check {k}", ["type"] = "condition",
                ["config"] = new JsonObject { ["field"] = S("set"), ["operator"] = "equals", ["value"] = k },
                ["next_steps"] = new JsonArray(S("yes"), S("no")),
            });
            list.Add(Set(S("yes"), S("fan")));
            list.Add(Set(S("no"), S("fan")));
            list.Add(new JsonObject
            {
                ["id"] = S("fan"), ["name"] = $"Fan out {k}", ["type"] = "parallel",
                ["next_steps"] = new JsonArray(S("b1"), S("b2"), S("b3")),
            });
            foreach (var b in new[] { "b1", "b2", "b3" })
                list.Add(Set(S(b), S("join")));
            list.Add(new JsonObject { ["id"] = S("join"), ["name"] = $"Join {k}", ["type"] = "join", ["next"] = S("log") });
            var log = new JsonObject
            {
                ["id"] = S("log"), ["name"] = $"Log {k}", ["type"] = "action",
                ["config"] = new JsonObject { ["action"] = "log_message", ["message"] = $"segment {k} done", ["level"] = "info" },
            };
            if (k < segments)
                log["next"] = $"s{k + 1}_set";
            list.Add(log);
        }
        return new JsonObject { ["name"] = $"large-{segments * 10}", ["status"] = "active", ["steps"] = list };
    }
}
