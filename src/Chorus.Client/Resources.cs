using System.Text.Json.Nodes;

namespace Chorus.Client;

/// <summary>A cron schedule that starts a workflow.</summary>
public sealed record Schedule : ChorusAnswer
{
    /// <summary>The schedule's id.</summary>
    public required string Id { get; init; }

    /// <summary>The workflow it starts.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>5 or 6 fields, or a macro such as @daily.</summary>
    public string? Cron { get; init; }

    /// <summary>The IANA time zone the cron is read in.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The input of each execution it starts.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>Whether it starts anything.</summary>
    public bool Enabled { get; init; }

    /// <summary>When it runs next.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>When it last ran.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The execution it last started.</summary>
    public string? LastExecutionId { get; init; }
}

/// <summary>A webhook trigger: the URL through which another system starts a workflow with a signed call.</summary>
public sealed record Webhook : ChorusAnswer
{
    /// <summary>The trigger's id.</summary>
    public required string Id { get; init; }

    /// <summary>The workflow it starts.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The URL to call.</summary>
    public string? Url { get; init; }

    /// <summary>A name for people.</summary>
    public string? Name { get; init; }

    /// <summary>Whether calls are taken.</summary>
    public bool Enabled { get; init; }

    /// <summary><c>hmac</c> or <c>hmac_or_token</c>.</summary>
    public string? AuthMode { get; init; }

    /// <summary><c>body</c> or <c>envelope</c>: what the execution's input is.</summary>
    public string? Input { get; init; }

    /// <summary>Request headers copied into the execution.</summary>
    public IReadOnlyList<string>? Headers { get; init; }

    /// <summary>Headers naming a delivery, so that a redelivery starts nothing new.</summary>
    public IReadOnlyList<string>? DeliveryIdHeaders { get; init; }

    /// <summary>The largest body taken.</summary>
    public int? MaxBodyBytes { get; init; }

    /// <summary>The header the signature goes in.</summary>
    public string? SignatureHeader { get; init; }

    /// <summary>The header the signature's time goes in.</summary>
    public string? TimestampHeader { get; init; }

    /// <summary>The secret: only in the answer of a create or a rotate, never again.</summary>
    public string? Secret { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>An API key of the tenant, for machines.</summary>
public sealed record ApiKey : ChorusAnswer
{
    /// <summary>The key's id (the hex after <c>chorus_</c> in the key).</summary>
    public required string Id { get; init; }

    /// <summary>Who or what uses it.</summary>
    public string? Name { get; init; }

    /// <summary><c>admin</c>, <c>member</c> or <c>viewer</c>.</summary>
    public string? Role { get; init; }

    /// <summary>The tenant it acts for.</summary>
    public string? TenantId { get; init; }

    /// <summary>The key itself: only in the answer of a create, never again.</summary>
    public string? Key { get; init; }

    /// <summary>Who created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it was last used (updated at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When it was revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>A secret of the tenant: its name and history, never its value.</summary>
public sealed record Secret : ChorusAnswer
{
    /// <summary>The secret's name; workflows read it as <c>{{ secrets.NAME }}</c>.</summary>
    public required string Name { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When its value last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Who created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Who last changed it.</summary>
    public string? UpdatedBy { get; init; }
}

/// <summary>The server's liveness or readiness.</summary>
public sealed record HealthStatus : ChorusAnswer
{
    /// <summary><c>ok</c> (liveness), <c>ready</c> or <c>unavailable</c> (readiness).</summary>
    public string? Status { get; init; }

    /// <summary>Readiness: each check and how it went, e.g. <c>database: ok</c>.</summary>
    public IReadOnlyDictionary<string, string>? Checks { get; init; }

    /// <summary>Readiness: why it is not ready.</summary>
    public string? Reason { get; init; }
}

/// <summary>Everything about one execution, for a support case.</summary>
public sealed record ExecutionExport : ChorusAnswer
{
    /// <summary>The execution with its context.</summary>
    public Execution? Execution { get; init; }

    /// <summary>The workflow version it ran.</summary>
    public JsonObject? WorkflowVersion { get; init; }

    /// <summary>Its step runs.</summary>
    public IReadOnlyList<StepRun>? Steps { get; init; }

    /// <summary>Its log lines.</summary>
    public IReadOnlyList<LogLine>? Logs { get; init; }

    /// <summary>Its events.</summary>
    public JsonArray? Events { get; init; }
}

/// <summary>The result of one operation on many executions.</summary>
public sealed record BulkResult : ChorusAnswer
{
    /// <summary>The operation.</summary>
    public string? Action { get; init; }

    /// <summary>How many executions matched.</summary>
    public int Matched { get; init; }

    /// <summary>True when more matched than one call takes (500, the newest).</summary>
    public bool Truncated { get; init; }

    /// <summary>How many it succeeded on.</summary>
    public int Succeeded { get; init; }

    /// <summary>How many it failed on.</summary>
    public int Failed { get; init; }

    /// <summary>Each execution's result.</summary>
    public IReadOnlyList<BulkItemResult>? Results { get; init; }
}

/// <summary>One execution's result in a <see cref="BulkResult"/>.</summary>
public sealed record BulkItemResult
{
    /// <summary>The execution.</summary>
    public required string Id { get; init; }

    /// <summary>Whether the operation succeeded on it.</summary>
    public bool Ok { get; init; }

    /// <summary>Its status afterwards.</summary>
    public string? Status { get; init; }

    /// <summary>Why it failed (the API's error fields).</summary>
    public JsonObject? Error { get; init; }
}
