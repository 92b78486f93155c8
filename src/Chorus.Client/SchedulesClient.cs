using System.Text.Json.Nodes;
using static Chorus.Client.ChorusConnection;

namespace Chorus.Client;

/// <summary>A workflow's cron schedules: <c>/api/workflows/{id}/schedules</c>.</summary>
public sealed class SchedulesClient
{
    private readonly ChorusConnection _connection;

    internal SchedulesClient(ChorusConnection connection) => _connection = connection;

    /// <summary>The workflow's schedules with their next run.</summary>
    public async Task<ChorusList<Schedule>> ListAsync(string workflowId, CancellationToken cancellationToken = default) =>
        Answers.List<Schedule>(await _connection.GetAsync(PathOf(workflowId), cancellationToken));

    /// <summary>One schedule.</summary>
    public async Task<Schedule> GetAsync(string workflowId, string scheduleId, CancellationToken cancellationToken = default) =>
        Answers.Read<Schedule>(await _connection.GetAsync(PathOf(workflowId, scheduleId), cancellationToken));

    /// <summary>Adds a schedule that starts the workflow (<see cref="ScheduleSettings.Cron"/> is required).</summary>
    public async Task<Schedule> CreateAsync(string workflowId, ScheduleSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Answers.Read<Schedule>(await _connection.SendAsync(HttpMethod.Post, PathOf(workflowId), settings.Body(), cancellationToken));
    }

    /// <summary>Changes the settings given; the others stay as they are.</summary>
    public async Task<Schedule> UpdateAsync(string workflowId, string scheduleId, ScheduleSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Answers.Read<Schedule>(await _connection.SendAsync(HttpMethod.Patch, PathOf(workflowId, scheduleId), settings.Body(), cancellationToken));
    }

    /// <summary>Deletes a schedule.</summary>
    public Task DeleteAsync(string workflowId, string scheduleId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, PathOf(workflowId, scheduleId), null, cancellationToken);

    private static string PathOf(string workflowId, string? scheduleId = null) =>
        $"api/workflows/{Segment(workflowId)}/schedules" + (scheduleId is null ? "" : "/" + Segment(scheduleId));
}

/// <summary>A workflow's webhook triggers: <c>/api/workflows/{id}/webhooks</c>.</summary>
public sealed class WebhooksClient
{
    private readonly ChorusConnection _connection;

    internal WebhooksClient(ChorusConnection connection) => _connection = connection;

    /// <summary>The workflow's triggers and their URLs (never their secrets).</summary>
    public async Task<ChorusList<Webhook>> ListAsync(string workflowId, CancellationToken cancellationToken = default) =>
        Answers.List<Webhook>(await _connection.GetAsync(PathOf(workflowId), cancellationToken));

    /// <summary>One trigger (never its secret).</summary>
    public async Task<Webhook> GetAsync(string workflowId, string webhookId, CancellationToken cancellationToken = default) =>
        Answers.Read<Webhook>(await _connection.GetAsync(PathOf(workflowId, webhookId), cancellationToken));

    /// <summary>Adds a trigger; the answer's <see cref="Webhook.Secret"/> is shown this once.</summary>
    public async Task<Webhook> CreateAsync(string workflowId, WebhookSettings? settings = null, CancellationToken cancellationToken = default) =>
        Answers.Read<Webhook>(await _connection.SendAsync(HttpMethod.Post, PathOf(workflowId), (settings ?? new WebhookSettings()).Body(), cancellationToken));

    /// <summary>Changes the settings given; the others stay as they are.</summary>
    public async Task<Webhook> UpdateAsync(string workflowId, string webhookId, WebhookSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Answers.Read<Webhook>(await _connection.SendAsync(HttpMethod.Patch, PathOf(workflowId, webhookId), settings.Body(), cancellationToken));
    }

    /// <summary>Gives the trigger a new secret, shown this once; the old one is refused from then on.</summary>
    public async Task<Webhook> RotateAsync(string workflowId, string webhookId, CancellationToken cancellationToken = default) =>
        Answers.Read<Webhook>(await _connection.SendAsync(HttpMethod.Post, PathOf(workflowId, webhookId) + "/rotate", null, cancellationToken));

    /// <summary>Deletes a trigger; its URL answers 404 from then on.</summary>
    public Task DeleteAsync(string workflowId, string webhookId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, PathOf(workflowId, webhookId), null, cancellationToken);

    private static string PathOf(string workflowId, string? webhookId = null) =>
        $"api/workflows/{Segment(workflowId)}/webhooks" + (webhookId is null ? "" : "/" + Segment(webhookId));
}
