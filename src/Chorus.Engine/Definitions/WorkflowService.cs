using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Definitions;

/// <summary>Saving, versioning and reverting workflow definitions. Every save of a changed definition is a
/// new version; a save that changes only the status changes the workflow, not its versions. Given an engine,
/// every save that changes something publishes <c>workflow_updated</c> through it, so WebSocket clients on every
/// node hear of it.</summary>
public sealed class WorkflowService(IWorkflowStore store, IStepConfigChecks steps, TimeProvider time, IEventPublisher? events = null)
{
    /// <summary>Parses and validates; throws invalid_workflow_definition with every problem in details.</summary>
    public WorkflowDefinition Validate(JsonNode? json)
    {
        var definition = DefinitionParser.Parse(json, out var shapeErrors);
        var errors = definition is null ? shapeErrors : [.. shapeErrors, .. DefinitionValidator.Validate(definition, steps)];
        if (definition is null || errors.Count > 0)
        {
            var first = errors.FirstOrDefault();
            throw new ChorusException(ErrorCodes.InvalidWorkflowDefinition,
                first is null ? "The workflow definition is invalid." : Describe(first),
                new JsonObject
                {
                    ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)new JsonObject
                    {
                        ["step_id"] = e.StepId,
                        ["field"] = e.Field,
                        ["message"] = e.Message,
                    }).ToArray()),
                });
        }
        return definition;
    }

    public Task<(WorkflowRecord Workflow, WorkflowVersionRecord Version)> CreateAsync(TenantId tenant, JsonObject json, string? author = null, CancellationToken ct = default) =>
        CreateWithIdAsync(tenant, null, json, author, ct);

    /// <summary>Creates the workflow under <paramref name="id"/> (a new id when null), so a client can install a
    /// workflow under an id its own scripts already use. An id the tenant has, or had before deleting that workflow,
    /// is a conflict.</summary>
    public async Task<(WorkflowRecord Workflow, WorkflowVersionRecord Version)> CreateWithIdAsync(TenantId tenant, Guid? id, JsonObject json, string? author = null, CancellationToken ct = default)
    {
        var definition = Validate(json);
        var now = time.GetUtcNow();
        var chosen = id ?? Guid.CreateVersion7(now);
        var workflow = new WorkflowRecord
        {
            Tenant = tenant, Id = chosen, Name = definition.Name, Description = definition.Description,
            Status = definition.Status, CurrentVersion = 1, CreatedAt = now, UpdatedAt = now,
        };
        var version = NewVersion(tenant, chosen, 1, definition, json, now, author);
        if (!await store.CreateWorkflowAsync(workflow, version, ct).ConfigureAwait(false))
            throw new ChorusException(ErrorCodes.Conflict, $"Workflow id {chosen} is taken: a workflow with it was deleted, or was created at the same moment; choose another id.");
        await AnnounceAsync(workflow, version.Label, previousStatus: null, author).ConfigureAwait(false);
        return (workflow, version);
    }

    /// <summary>Saves a full definition over the workflow. Returns the new version, or the current one when
    /// nothing but the status changed. <paramref name="author"/> is who saves it (recorded on a new version and in
    /// the event); null when nobody is authenticated, as in an embedded run.</summary>
    public async Task<(WorkflowRecord Workflow, WorkflowVersionRecord Version, bool Created)> UpdateAsync(TenantId tenant, Guid id, JsonObject json, string? author = null, CancellationToken ct = default)
    {
        var definition = Validate(json);
        var workflow = await RequireAsync(tenant, id, ct).ConfigureAwait(false);
        var current = await store.GetVersionAsync(tenant, id, workflow.CurrentVersion, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var hash = Hash(json);
        var changed = current is null || current.Hash != hash;
        var version = changed ? NewVersion(tenant, id, workflow.CurrentVersion + 1, definition, json, now, author) : current!;
        var before = workflow;
        workflow = workflow with
        {
            Name = definition.Name, Description = definition.Description, Status = definition.Status,
            CurrentVersion = version.Number, UpdatedAt = now,
        };
        if (!await store.UpdateWorkflowAsync(workflow, changed ? version : null, ct).ConfigureAwait(false))
            throw NotFound(id);
        if (changed || before.Status != workflow.Status || before.Name != workflow.Name || before.Description != workflow.Description)
            await AnnounceAsync(workflow, version.Label, before.Status, author).ConfigureAwait(false);
        return (workflow, version, changed);
    }

    public async Task<WorkflowRecord> SetStatusAsync(TenantId tenant, Guid id, WorkflowStatus status, string? author = null, CancellationToken ct = default)
    {
        var before = await RequireAsync(tenant, id, ct).ConfigureAwait(false);
        var workflow = before with { Status = status, UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateWorkflowAsync(workflow, null, ct).ConfigureAwait(false))
            throw NotFound(id);
        if (events is not null && before.Status != status)
        {
            var version = await store.GetVersionAsync(tenant, id, workflow.CurrentVersion, ct).ConfigureAwait(false);
            await AnnounceAsync(workflow, version?.Label, before.Status, author).ConfigureAwait(false);
        }
        return workflow;
    }

    /// <summary>Makes an old version current again, as a new version with its content.</summary>
    public async Task<(WorkflowRecord Workflow, WorkflowVersionRecord Version, bool Created)> RevertAsync(TenantId tenant, Guid id, int number, string? author = null, CancellationToken ct = default)
    {
        // The workflow first: a workflow that does not exist (or is another tenant's) is workflow_not_found.
        var workflow = await RequireAsync(tenant, id, ct).ConfigureAwait(false);
        var old = await store.GetVersionAsync(tenant, id, number, ct).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.NotFound, $"Workflow {id} has no version {number}.");
        var json = (JsonObject)old.Definition.DeepClone();
        json["status"] = workflow.Status.ToString().ToLowerInvariant();
        return await UpdateAsync(tenant, id, json, author, ct).ConfigureAwait(false);
    }

    public async Task<WorkflowRecord> RequireAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        await store.GetWorkflowAsync(tenant, id, ct).ConfigureAwait(false) ?? throw NotFound(id);

    // The save is committed before its event (the workflow store and the engine's outbox are separate
    // transactions): a crash in between loses the notification, never the save.
    private Task AnnounceAsync(WorkflowRecord workflow, string? versionLabel, WorkflowStatus? previousStatus, string? author) =>
        events?.PublishAsync(WorkflowEvents.WorkflowUpdated(workflow, versionLabel, previousStatus, author)) ?? Task.CompletedTask;

    private static ChorusException NotFound(Guid id) => new(ErrorCodes.WorkflowNotFound, $"Workflow {id} does not exist.");

    private static WorkflowVersionRecord NewVersion(TenantId tenant, Guid id, int number, WorkflowDefinition definition, JsonObject json,
        DateTimeOffset now, string? author) => new()
    {
        Tenant = tenant, WorkflowId = id, Number = number, Label = definition.Version,
        Definition = (JsonObject)json.DeepClone(), Hash = Hash(json), CreatedAt = now, CreatedBy = author,
    };

    /// <summary>A hash of the definition with sorted keys and without its status.</summary>
    internal static string Hash(JsonObject json)
    {
        var copy = (JsonObject)json.DeepClone();
        copy.Remove("status");
        var canonical = Canonical(copy)!.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };

    private static string Describe(DefinitionError e) =>
        e.StepId is null ? $"{e.Field}: {e.Message}" : $"Step '{e.StepId}', {e.Field}: {e.Message}";
}
