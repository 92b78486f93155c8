using System.Globalization;
using System.Text.Json.Nodes;
using static Chorus.Client.ChorusConnection;

namespace Chorus.Client;

/// <summary>The workflows of the tenant: <c>/api/workflows</c>.</summary>
public sealed class WorkflowsClient
{
    private readonly ChorusConnection _connection;

    internal WorkflowsClient(ChorusConnection connection) => _connection = connection;

    /// <summary>One page of the workflows, each with its newest execution.</summary>
    public async Task<ChorusList<Workflow>> ListAsync(int? page = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (page is { } p)
            query.Add("page=" + p.ToString(CultureInfo.InvariantCulture));
        if (pageSize is { } size)
            query.Add("page_size=" + size.ToString(CultureInfo.InvariantCulture));
        var path = "api/workflows" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        return Answers.List<Workflow>(await _connection.GetAsync(path, cancellationToken));
    }

    /// <summary>A workflow with its current definition.</summary>
    public async Task<Workflow> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Answers.Read<Workflow>(await _connection.GetAsync(PathOf(id), cancellationToken));

    /// <summary>Creates a workflow from its definition (<c>{"name", "steps", …}</c>).</summary>
    public async Task<Workflow> CreateAsync(JsonObject definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Answers.Read<Workflow>(await _connection.SendAsync(HttpMethod.Post, "api/workflows", definition, cancellationToken));
    }

    /// <summary>Saves a definition as the workflow's new version (<see cref="Workflow.VersionCreated"/> is false when it
    /// did not change); a UUID the tenant has no workflow under creates it there.</summary>
    public async Task<Workflow> UpdateAsync(string id, JsonObject definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Answers.Read<Workflow>(await _connection.SendAsync(HttpMethod.Put, PathOf(id), definition, cancellationToken));
    }

    /// <summary>Changes the workflow's status: <c>draft</c>, <c>active</c> or <c>archived</c>.</summary>
    public async Task<Workflow> SetStatusAsync(string id, string status, CancellationToken cancellationToken = default) =>
        Answers.Read<Workflow>(await _connection.SendAsync(HttpMethod.Patch, PathOf(id), new JsonObject { ["status"] = status }, cancellationToken));

    /// <summary>Deletes the workflow; with <paramref name="deleteHistory"/> its ended executions too.</summary>
    public Task DeleteAsync(string id, bool deleteHistory = false, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, PathOf(id) + (deleteHistory ? "?delete_history=true" : ""), null, cancellationToken);

    /// <summary>Starts an execution in the background (the answer comes at once, usually <c>pending</c>). An
    /// <paramref name="idempotencyKey"/> makes a repeat of the same call answer the same execution.</summary>
    public async Task<Execution> ExecuteAsync(string id, JsonNode? input = null, bool manual = false, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["input"] = input?.DeepClone() ?? new JsonObject() };
        if (manual)
            body["mode"] = "manual";
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey };
        return Answers.Read<Execution>(await _connection.SendAsync(HttpMethod.Post, PathOf(id) + "/execute", body, cancellationToken, headers));
    }

    /// <summary>Runs the workflow (any status) as a test and answers when it ends, with its step runs; with
    /// <paramref name="debug"/> its context and logs too.</summary>
    public async Task<TestExecution> TestExecuteAsync(string id, JsonNode? input = null, bool debug = false, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["input"] = input?.DeepClone() ?? new JsonObject(), ["debug_mode"] = debug };
        return Answers.Read<TestExecution>(await _connection.SendAsync(HttpMethod.Post, PathOf(id) + "/test-execute", body, cancellationToken));
    }

    /// <summary>The workflow's saved versions, newest first (without their definitions).</summary>
    public async Task<ChorusList<WorkflowVersion>> VersionsAsync(string id, CancellationToken cancellationToken = default) =>
        Answers.List<WorkflowVersion>(await _connection.GetAsync(PathOf(id) + "/versions", cancellationToken));

    /// <summary>One saved version with its definition.</summary>
    public async Task<WorkflowVersion> VersionAsync(string id, int number, CancellationToken cancellationToken = default) =>
        Answers.Read<WorkflowVersion>(await _connection.GetAsync($"{PathOf(id)}/versions/{number.ToString(CultureInfo.InvariantCulture)}", cancellationToken));

    private static string PathOf(string id) => "api/workflows/" + Segment(id);
}
