namespace Chorus.Engine.Storage;

/// <summary>Where a workflow stands: stored with it, and shown by the definition and the events that announce it.</summary>
public enum WorkflowStatus { Draft, Active, Archived }
