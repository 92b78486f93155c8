namespace Chorus.Engine.Storage;

/// <summary>One request that moved executions of a workflow onto another of its versions. Its moves say which
/// executions went and from where, so that the migration can be listed and rolled back.</summary>
public sealed record MigrationRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid Id { get; init; }
    public required Guid WorkflowId { get; init; }
    public required int ToVersion { get; init; }
    /// <summary>The request's explicit step mapping (step id on the old version to step id on the target).</summary>
    public required IReadOnlyDictionary<string, string> Mapping { get; init; }
    public string? CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RolledBackAt { get; init; }
}

/// <summary>One execution a migration moved, written in the transaction that moved it.</summary>
public sealed record MigrationMove
{
    public required TenantId Tenant { get; init; }
    public required Guid MigrationId { get; init; }
    public required Guid ExecutionId { get; init; }
    public required int FromVersion { get; init; }
    /// <summary>The steps renamed by the move (old id to new id); a step that kept its id is not listed.</summary>
    public required IReadOnlyDictionary<string, string> Renamed { get; init; }
    /// <summary>Where the execution's steps stood right after the move: a rollback is refused once it differs,
    /// since a step has then run (or been decided) on the new version.</summary>
    public required string Progress { get; init; }
    public required DateTimeOffset MovedAt { get; init; }
    public DateTimeOffset? RolledBackAt { get; init; }
}
