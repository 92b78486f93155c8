using System.Text.Json.Nodes;
using static Chorus.Client.ChorusConnection;

namespace Chorus.Client;

/// <summary>The executions of the tenant: <c>/api/executions</c>.</summary>
public sealed class ExecutionsClient
{
    private readonly ChorusConnection _connection;

    internal ExecutionsClient(ChorusConnection connection) => _connection = connection;

    /// <summary>One page of the executions that match, newest first.</summary>
    public async Task<ChorusList<Execution>> ListAsync(ExecutionFilter? filter = null, CancellationToken cancellationToken = default) =>
        Answers.List<Execution>(await _connection.GetAsync("api/executions" + (filter?.QueryString() ?? ""), cancellationToken));

    /// <summary>An execution with its variables and what it waits for.</summary>
    public async Task<Execution> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Answers.Read<Execution>(await _connection.GetAsync(PathOf(id), cancellationToken));

    /// <summary>Starts an execution of a workflow in the background; the same as <see cref="WorkflowsClient.ExecuteAsync"/>.</summary>
    public async Task<Execution> StartAsync(string workflowId, JsonNode? input = null, bool manual = false, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["workflow_id"] = workflowId,
            ["input"] = input?.DeepClone() ?? new JsonObject(),
            ["mode"] = manual ? "manual" : "automatic",
        };
        return Answers.Read<Execution>(await _connection.SendAsync(HttpMethod.Post, "api/executions", body, cancellationToken));
    }

    /// <summary>Cancels it: running steps are stopped, nothing else runs.</summary>
    public Task<Execution> CancelAsync(string id, CancellationToken cancellationToken = default) => OperateAsync(id, "cancel", null, cancellationToken);

    /// <summary>Pauses it: running steps finish, nothing new starts until it is resumed.</summary>
    public Task<Execution> PauseAsync(string id, CancellationToken cancellationToken = default) => OperateAsync(id, "pause", null, cancellationToken);

    /// <summary>Resumes a paused execution.</summary>
    public Task<Execution> ResumeAsync(string id, CancellationToken cancellationToken = default) => OperateAsync(id, "resume", null, cancellationToken);

    /// <summary>Runs the next step of an execution in manual mode.</summary>
    public Task<Execution> AdvanceAsync(string id, CancellationToken cancellationToken = default) => OperateAsync(id, "advance", null, cancellationToken);

    /// <summary>Goes on from the failed step, in the same execution; or with <paramref name="fromStart"/> runs the ended
    /// execution again as a new one (see <see cref="Execution.RetryOf"/>) with the same input. Either runs on the version
    /// it ran or, with <paramref name="latestVersion"/>, the workflow's current one (from the failed step, the execution
    /// moves there first by a migration's rules).</summary>
    public Task<Execution> RetryAsync(string id, bool fromStart = false, bool latestVersion = false, CancellationToken cancellationToken = default)
    {
        // Without a body the server goes on from the failed step on the version the execution ran.
        var body = fromStart || latestVersion
            ? new JsonObject { ["from"] = fromStart ? "start" : "failed_step", ["version"] = latestVersion ? "latest" : "same" }
            : null;
        return OperateAsync(id, "retry", body, cancellationToken);
    }

    /// <summary>Sends a named event; a step waiting for it goes on with <paramref name="data"/> as its output.</summary>
    public Task<Execution> SendEventAsync(string id, string name, JsonNode? data = null, CancellationToken cancellationToken = default) =>
        OperateAsync(id, "events", new JsonObject { ["name"] = name, ["data"] = data?.DeepClone() }, cancellationToken);

    /// <summary>Submits the input a manual input step waits for (<paramref name="stepId"/> when several wait).</summary>
    public Task<Execution> SubmitInputAsync(string id, JsonNode? data, string? stepId = null, CancellationToken cancellationToken = default) =>
        OperateAsync(id, "input", new JsonObject { ["step_id"] = stepId, ["data"] = data?.DeepClone() }, cancellationToken);

    /// <summary>Its step runs, oldest first.</summary>
    public async Task<ChorusList<StepRun>> StepsAsync(string id, CancellationToken cancellationToken = default) =>
        Answers.List<StepRun>(await _connection.GetAsync(PathOf(id) + "/steps", cancellationToken));

    /// <summary>Its log lines, oldest first.</summary>
    public async Task<ChorusList<LogLine>> LogsAsync(string id, CancellationToken cancellationToken = default) =>
        Answers.List<LogLine>(await _connection.GetAsync(PathOf(id) + "/logs", cancellationToken));

    /// <summary>Everything about it in one document: the execution, its workflow version, step runs, logs and events.</summary>
    public async Task<ExecutionExport> ExportAsync(string id, CancellationToken cancellationToken = default) =>
        Answers.Read<ExecutionExport>(await _connection.GetAsync(PathOf(id) + "/export", cancellationToken));

    /// <summary>Deletes an ended execution with its step runs, logs and events (admin).</summary>
    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, PathOf(id), null, cancellationToken);

    /// <summary>One operation (<c>cancel</c>, <c>retry</c> or <c>delete</c>) on up to 500 executions: those named by
    /// <paramref name="ids"/>, or else the newest that match <paramref name="filter"/>.</summary>
    public async Task<BulkResult> BulkAsync(string action, IEnumerable<string>? ids = null, ExecutionFilter? filter = null,
        CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["action"] = action };
        if (ids is not null)
            body["ids"] = new JsonArray(ids.Select(i => (JsonNode?)i).ToArray());
        if (filter is not null)
            body["filter"] = filter.Body();
        return Answers.Read<BulkResult>(await _connection.SendAsync(HttpMethod.Post, "api/executions/bulk", body, cancellationToken));
    }

    /// <summary>Waits until the execution has ended (or waits for an event or input, when <paramref name="orWaiting"/>),
    /// asking every <paramref name="pollInterval"/> (default half a second); the cancellation token bounds the wait.</summary>
    public async Task<Execution> WaitAsync(string id, bool orWaiting = false, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var execution = await GetAsync(id, cancellationToken);
            if (execution.IsEnded || (orWaiting && execution.Status == "waiting"))
                return execution;
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private async Task<Execution> OperateAsync(string id, string operation, JsonObject? body, CancellationToken ct) =>
        Answers.Read<Execution>(await _connection.SendAsync(HttpMethod.Post, $"{PathOf(id)}/{operation}", body, ct));

    private static string PathOf(string id) => "api/executions/" + Segment(id);
}
