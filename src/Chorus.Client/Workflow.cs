using System.Text.Json.Nodes;

namespace Chorus.Client;

/// <summary>A workflow: its current version's definition (in <see cref="ChorusAnswer.Json"/>) with these fields.</summary>
public sealed record Workflow : ChorusAnswer
{
    /// <summary>The workflow's id (a UUID).</summary>
    public required string Id { get; init; }

    /// <summary>Its name.</summary>
    public string? Name { get; init; }

    /// <summary>Its description.</summary>
    public string? Description { get; init; }

    /// <summary><c>draft</c>, <c>active</c> or <c>archived</c>; only active workflows start.</summary>
    public string? Status { get; init; }

    /// <summary>The number of the current version, from 1.</summary>
    public int CurrentVersion { get; init; }

    /// <summary>The definition's own version label, such as 1.1.0.</summary>
    public string? Version { get; init; }

    /// <summary>After a save: false when the definition was unchanged, so no version was made.</summary>
    public bool? VersionCreated { get; init; }

    /// <summary>In a list: the newest execution, or null.</summary>
    public ExecutionSummary? LastExecution { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The steps of the current version.</summary>
    public JsonArray? Steps { get; init; }
}

/// <summary>The newest execution of a workflow, as its list shows it.</summary>
public sealed record ExecutionSummary
{
    /// <summary>The execution's id.</summary>
    public required string Id { get; init; }

    /// <summary>Its status.</summary>
    public string? Status { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>One saved version of a workflow.</summary>
public sealed record WorkflowVersion : ChorusAnswer
{
    /// <summary>The workflow's id.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The version's number, from 1.</summary>
    public int Number { get; init; }

    /// <summary>The definition's own label, such as 1.1.0.</summary>
    public string? Label { get; init; }

    /// <summary>The hash of the definition.</summary>
    public string? Hash { get; init; }

    /// <summary>When it was saved.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Who saved it.</summary>
    public string? UpdatedBy { get; init; }

    /// <summary>The definition, when the answer carries it (one version, not the list).</summary>
    public JsonObject? Definition { get; init; }
}
