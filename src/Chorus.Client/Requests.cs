using System.Globalization;
using System.Text.Json.Nodes;

namespace Chorus.Client;

/// <summary>Which executions a list or a bulk operation takes; every filter given must hold.</summary>
public sealed record ExecutionFilter
{
    /// <summary>Only the executions of this workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Only executions with this status, e.g. <c>failed</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Only executions created at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only executions created before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only executions whose input contains this text.</summary>
    public string? Query { get; init; }

    /// <summary>Only executions whose search attributes have these exact values (up to 5).</summary>
    public IReadOnlyDictionary<string, string>? Search { get; init; }

    /// <summary>Test executions too.</summary>
    public bool IncludeTests { get; init; }

    /// <summary>The page, from 1 (lists only).</summary>
    public int? Page { get; init; }

    /// <summary>The page size, at most 200 (lists only; the server's default is 50).</summary>
    public int? PageSize { get; init; }

    /// <summary>The filters as the list's query string, <c>?workflow_id=…&amp;search.name=value</c>.</summary>
    internal string QueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
                parts.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
        }
        Add("page", Page?.ToString(CultureInfo.InvariantCulture));
        Add("page_size", PageSize?.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in Fields())
            Add(name, value);
        foreach (var (name, value) in Search ?? new Dictionary<string, string>())
            Add("search." + name, value);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>The filters as a bulk request's <c>filter</c> object.</summary>
    internal JsonObject Body()
    {
        var body = new JsonObject();
        foreach (var (name, value) in Fields())
            body[name] = value;
        if (Search is not null)
            body["search"] = new JsonObject(Search.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        return body;
    }

    private IEnumerable<(string Name, string Value)> Fields()
    {
        if (WorkflowId is not null)
            yield return ("workflow_id", WorkflowId);
        if (Status is not null)
            yield return ("status", Status);
        if (From is { } from)
            yield return ("from", from.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        if (To is { } to)
            yield return ("to", to.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        if (Query is not null)
            yield return ("q", Query);
        if (IncludeTests)
            yield return ("include_tests", "true");
    }
}

/// <summary>A schedule's settings. On a create, those left null take the server's defaults; on an update, they stay
/// as they are.</summary>
public sealed record ScheduleSettings
{
    /// <summary>5 or 6 fields, or a macro such as @daily (required on a create).</summary>
    public string? Cron { get; init; }

    /// <summary>An IANA time zone (default UTC).</summary>
    public string? TimeZone { get; init; }

    /// <summary>The input of each execution it starts.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>Whether it starts anything (default true).</summary>
    public bool? Enabled { get; init; }

    internal JsonObject Body()
    {
        var body = new JsonObject();
        if (Cron is not null)
            body["cron"] = Cron;
        if (TimeZone is not null)
            body["time_zone"] = TimeZone;
        if (Input is not null)
            body["input"] = Input.DeepClone();
        if (Enabled is { } enabled)
            body["enabled"] = enabled;
        return body;
    }
}

/// <summary>A webhook trigger's settings. On a create, those left null take the server's defaults; on an update,
/// they stay as they are (a list given replaces the list).</summary>
public sealed record WebhookSettings
{
    /// <summary>A name for people, e.g. the sender.</summary>
    public string? Name { get; init; }

    /// <summary>Whether calls are taken (default true).</summary>
    public bool? Enabled { get; init; }

    /// <summary><c>hmac</c> (a signature is required; the default) or <c>hmac_or_token</c>.</summary>
    public string? AuthMode { get; init; }

    /// <summary><c>body</c> (the body is the input; the default) or <c>envelope</c>.</summary>
    public string? Input { get; init; }

    /// <summary>Request headers copied into the execution.</summary>
    public IReadOnlyList<string>? Headers { get; init; }

    /// <summary>Headers naming a delivery, so that a redelivery starts nothing new.</summary>
    public IReadOnlyList<string>? DeliveryIdHeaders { get; init; }

    /// <summary>The largest body taken (default 256 KiB).</summary>
    public int? MaxBodyBytes { get; init; }

    /// <summary>Whether no setting is given (an update would change nothing).</summary>
    public bool IsEmpty => Body().Count == 0;

    internal JsonObject Body()
    {
        var body = new JsonObject();
        if (Name is not null)
            body["name"] = Name;
        if (Headers is not null)
            body["headers"] = Names(Headers);
        if (DeliveryIdHeaders is not null)
            body["delivery_id_headers"] = Names(DeliveryIdHeaders);
        if (AuthMode is not null)
            body["auth_mode"] = AuthMode;
        if (Input is not null)
            body["input"] = Input;
        if (MaxBodyBytes is { } max)
            body["max_body_bytes"] = max;
        if (Enabled is { } enabled)
            body["enabled"] = enabled;
        return body;
    }

    private static JsonArray Names(IReadOnlyList<string> names) => new(names.Select(n => (JsonNode?)n).ToArray());
}
