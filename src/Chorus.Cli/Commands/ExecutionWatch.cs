using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Client;
using Spectre.Console;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus executions watch ID</c>: follows an execution over the server's WebSocket. Subscribing sends
/// the execution's current state first, so the watch starts from where the execution is (or ends at once when it
/// already has), and a dropped connection is simply opened again. A progress bar on an interactive console, one
/// line per step either way.</summary>
internal sealed class ExecutionWatch(ChorusClient client, HttpClient http, IAnsiConsole console)
{
    private const int MaxReconnects = 10;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync(string id, CancellationToken ct)
    {
        // Over REST first: an unknown id, or another tenant's, gets the API's own answer (not_found) and exit 1.
        var execution = await client.Executions.GetAsync(id, ct);
        var title = $"execution {execution.Id}";
        if (!console.Profile.Capabilities.Interactive)
            return await FollowAsync(id, new Lines(console), ct);
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress => await FollowAsync(id, new Bar(console, progress.AddTask(Markup.Escape(title), maxValue: 100)), ct));
    }

    private async Task<int> FollowAsync(string id, IView view, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await FollowOnceAsync(id, view, () => attempt = 0, ct) is { } exit)
                    return exit;
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                if (attempt >= MaxReconnects)
                    throw new CliException($"lost the connection to {http.BaseAddress} and could not reconnect: {ex.Message}", ExitCodes.Failed);
            }
            var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, attempt)));
            view.Note($"connection lost; reconnecting in {delay.TotalSeconds:0.#} s");
            await Task.Delay(delay, ct);
        }
    }

    /// <summary>One connection: the exit code once the execution ends, null when the connection dropped first.</summary>
    private async Task<int?> FollowOnceAsync(string id, IView view, Action connected, CancellationToken ct)
    {
        using var socket = new ClientWebSocket();
        foreach (var header in http.DefaultRequestHeaders)
            socket.Options.SetRequestHeader(header.Key, string.Join(",", header.Value));
        var address = new UriBuilder(new Uri(http.BaseAddress!, "api/workflows/ws"));
        address.Scheme = address.Scheme == "https" ? "wss" : "ws";
        await socket.ConnectAsync(address.Uri, ct);
        connected();
        var subscribe = new JsonObject { ["action"] = "subscribe", ["topics"] = new JsonArray($"execution:{id}") };
        await socket.SendAsync(Encoding.UTF8.GetBytes(subscribe.ToJsonString()), WebSocketMessageType.Text, true, ct);
        while (await ReceiveAsync(socket, ct) is { } message)
        {
            if ((string?)message["type"] == "error")
                throw new CliException($"{message["error"]?["code"]}: {message["error"]?["message"]}", ExitCodes.Failed);
            switch ((string?)message["event"])
            {
                case "workflow_execution_update":
                    view.Progress((double?)message["progress"] ?? 0, (string?)message["current_step"], (string?)message["status"]);
                    break;
                case "workflow_step_completed":
                    view.Note($"step {message["step_id"]} ({message["step_name"]}) completed in {message["duration_ms"]} ms");
                    break;
                case "workflow_execution_error":
                    var error = message["error"];
                    var step = (string?)error?["step_id"] is { } s ? $"step {s} " : "";
                    view.Note($"{step}failed: {error?["code"]}: {Terminal.OneLine((string?)error?["message"] ?? "")}");
                    break;
                case "workflow_execution_completed":
                    var status = (string?)message["status"] ?? "unknown";
                    view.End(status);
                    await CloseQuietlyAsync(socket);
                    return status == "completed" ? ExitCodes.Ok : ExitCodes.Failed;
            }
        }
        return null;
    }

    /// <summary>The next whole text message, or null when the server closed the connection.</summary>
    private static async Task<JsonObject?> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            var frame = await socket.ReceiveAsync(buffer, ct);
            if (frame.MessageType == WebSocketMessageType.Close)
                return null;
            message.Write(buffer, 0, frame.Count);
            if (!frame.EndOfMessage)
                continue;
            try
            {
                return JsonNode.Parse(message.ToArray()) as JsonObject ?? [];
            }
            catch (JsonException)
            {
                return [];
            }
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The execution has ended; whether the goodbye arrives does not matter.
        }
    }

    private interface IView
    {
        void Progress(double fraction, string? currentStep, string? status);
        void Note(string line);
        void End(string status);
    }

    /// <summary>A redirected or dumb console: one line for each change of progress or step, then the end.</summary>
    private sealed class Lines(IAnsiConsole console) : IView
    {
        private string? _last;

        public void Progress(double fraction, string? currentStep, string? status)
        {
            var line = $"[{fraction * 100,3:0}%] {status} {currentStep}".TrimEnd();
            if (line != _last)
                console.WriteLine(line);
            _last = line;
        }

        public void Note(string line) => console.WriteLine(line);

        public void End(string status) => console.WriteLine(status);
    }

    private sealed class Bar(IAnsiConsole console, ProgressTask task) : IView
    {
        private readonly string _title = task.Description;

        public void Progress(double fraction, string? currentStep, string? status)
        {
            task.Value = Math.Round(fraction * 100, 1);
            task.Description = $"{_title} {Markup.Escape($"{status} {currentStep}".TrimEnd())}";
        }

        public void Note(string line) => console.MarkupLine(Markup.Escape(line));

        public void End(string status)
        {
            if (status != "completed")
                task.StopTask();
            console.MarkupLine(Markup.Escape(status));
        }
    }
}
