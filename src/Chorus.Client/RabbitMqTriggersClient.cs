using static Chorus.Client.ChorusConnection;

namespace Chorus.Client;

/// <summary>A workflow's RabbitMQ triggers: <c>/api/workflows/{id}/rabbitmq-triggers</c>. Each starts one execution per
/// message of its queue; the connection URL stays in the tenant's secret that the trigger names.</summary>
public sealed class RabbitMqTriggersClient
{
    private readonly ChorusConnection _connection;

    internal RabbitMqTriggersClient(ChorusConnection connection) => _connection = connection;

    /// <summary>The workflow's RabbitMQ triggers.</summary>
    public async Task<ChorusList<RabbitMqTrigger>> ListAsync(string workflowId, CancellationToken cancellationToken = default) =>
        Answers.List<RabbitMqTrigger>(await _connection.GetAsync(PathOf(workflowId), cancellationToken));

    /// <summary>One trigger.</summary>
    public async Task<RabbitMqTrigger> GetAsync(string workflowId, string triggerId, CancellationToken cancellationToken = default) =>
        Answers.Read<RabbitMqTrigger>(await _connection.GetAsync(PathOf(workflowId, triggerId), cancellationToken));

    /// <summary>Adds a trigger (<see cref="RabbitMqTriggerSettings.Secret"/> and a queue or an exchange are required).</summary>
    public async Task<RabbitMqTrigger> CreateAsync(string workflowId, RabbitMqTriggerSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Answers.Read<RabbitMqTrigger>(await _connection.SendAsync(HttpMethod.Post, PathOf(workflowId), settings.Body(), cancellationToken));
    }

    /// <summary>Changes the settings given; the others stay as they are.</summary>
    public async Task<RabbitMqTrigger> UpdateAsync(string workflowId, string triggerId, RabbitMqTriggerSettings settings,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Answers.Read<RabbitMqTrigger>(await _connection.SendAsync(HttpMethod.Patch, PathOf(workflowId, triggerId), settings.Body(), cancellationToken));
    }

    /// <summary>Deletes a trigger; the servers stop its consumers within seconds. Its queue stays on the broker.</summary>
    public Task DeleteAsync(string workflowId, string triggerId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, PathOf(workflowId, triggerId), null, cancellationToken);

    private static string PathOf(string workflowId, string? triggerId = null) =>
        $"api/workflows/{Segment(workflowId)}/rabbitmq-triggers" + (triggerId is null ? "" : "/" + Segment(triggerId));
}
