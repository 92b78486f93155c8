namespace Chorus.Engine.Definitions;

/// <summary>One problem in a definition. <paramref name="StepId"/> is null for workflow-level fields;
/// <paramref name="Field"/> is the path inside the step or workflow, e.g. "next" or "config.url".</summary>
public sealed record DefinitionError(string? StepId, string Field, string Message);
