using System.Text.Json.Nodes;

namespace Chorus.Client;

/// <summary>A RabbitMQ trigger: a queue whose messages each start one execution of a workflow.</summary>
public sealed record RabbitMqTrigger : ChorusAnswer
{
    /// <summary>The trigger's id.</summary>
    public required string Id { get; init; }

    /// <summary>The workflow it starts.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>A name for people.</summary>
    public string? Name { get; init; }

    /// <summary>Whether it is enabled.</summary>
    public bool Enabled { get; init; }

    /// <summary>Whether the servers read its queue: enabled, and the tenant's tier includes broker triggers.</summary>
    public bool Active { get; init; }

    /// <summary>The name of the tenant's secret holding the amqp:// URL (never the URL).</summary>
    public string? Secret { get; init; }

    /// <summary>The queue it reads.</summary>
    public string? Queue { get; init; }

    /// <summary>The exchange the queue is bound to, if any.</summary>
    public string? Exchange { get; init; }

    /// <summary>The binding's routing key.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>How many unacknowledged messages one server holds at once.</summary>
    public int Prefetch { get; init; }

    /// <summary><c>body</c> or <c>envelope</c>: what the execution's input is.</summary>
    public string? Input { get; init; }

    /// <summary>Where messages that can never start go, with the reason in their headers.</summary>
    public string? DeadLetterQueue { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A RabbitMQ trigger's settings. On a create, those left null take the server's defaults; on an update, they
/// stay as they are.</summary>
public sealed record RabbitMqTriggerSettings
{
    /// <summary>The name of the tenant's secret whose value is the amqp:// or amqps:// URL (required on a create).</summary>
    public string? Secret { get; init; }

    /// <summary>The queue to read (declared durable when missing).</summary>
    public string? Queue { get; init; }

    /// <summary>An exchange to bind the queue to (it must exist); without a queue, the queue is chorus.trigger.&lt;id&gt;.</summary>
    public string? Exchange { get; init; }

    /// <summary>The binding's routing key.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>1 to 1000 (default 10).</summary>
    public int? Prefetch { get; init; }

    /// <summary><c>body</c> (the default) or <c>envelope</c>.</summary>
    public string? Input { get; init; }

    /// <summary>A name for people.</summary>
    public string? Name { get; init; }

    /// <summary>Whether its consumers run (default true).</summary>
    public bool? Enabled { get; init; }

    /// <summary>Whether no setting is given (an update would change nothing).</summary>
    public bool IsEmpty => Body().Count == 0;

    internal JsonObject Body()
    {
        var body = new JsonObject();
        if (Name is not null)
            body["name"] = Name;
        if (Secret is not null)
            body["secret"] = Secret;
        if (Queue is not null)
            body["queue"] = Queue;
        if (Exchange is not null)
            body["exchange"] = Exchange;
        if (RoutingKey is not null)
            body["routing_key"] = RoutingKey;
        if (Prefetch is { } prefetch)
            body["prefetch"] = prefetch;
        if (Input is not null)
            body["input"] = Input;
        if (Enabled is { } enabled)
            body["enabled"] = enabled;
        return body;
    }
}
