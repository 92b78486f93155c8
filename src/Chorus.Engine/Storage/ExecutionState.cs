using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chorus.Engine.Storage;

public enum StepStatus { Scheduled, Running, Waiting, Completed, Failed, Skipped }

/// <summary>Where each step of one execution stands; saved with the execution in every commit.</summary>
public sealed class ExecutionState
{
    [JsonInclude]
    [JsonPropertyName("steps")]
    public Dictionary<string, StepState> Steps { get; internal set; } = new(StringComparer.Ordinal);

    /// <summary>For steps with several predecessors: which predecessors have arrived, and whether on a taken
    /// edge (true) or a skipped one (false).</summary>
    [JsonInclude]
    [JsonPropertyName("arrivals")]
    public Dictionary<string, Dictionary<string, bool>> Arrivals { get; internal set; } = new(StringComparer.Ordinal);

    /// <summary>The step that finished last; its output is the execution's when no output step ran.</summary>
    [JsonInclude]
    [JsonPropertyName("last_completed")]
    public string? LastCompleted { get; internal set; }

    /// <summary>Where a child execution sits in its tree of subflows; null for a root (and for children started
    /// before lineage was kept, which then count as roots).</summary>
    [JsonInclude]
    [JsonPropertyName("lineage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SubflowLineage? Lineage { get; internal set; }

    /// <summary>The execution's W3C trace context, made when it was created: its step attempts are spans under it,
    /// whichever node runs them, before or after a crash.</summary>
    [JsonInclude]
    [JsonPropertyName("trace_parent")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; internal set; }

    /// <summary>Loop iterations (foreach items, nested ones included) the execution has run in all, held against
    /// LOOP_MAX_ITERATIONS.</summary>
    [JsonInclude]
    [JsonPropertyName("loop_iterations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long LoopIterations { get; internal set; }

    /// <summary>The values of the workflow's search attributes as last written to the store's index; null when the
    /// workflow declares none.</summary>
    [JsonInclude]
    [JsonPropertyName("search_attributes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? SearchAttributes { get; internal set; }

    /// <summary>A migration that waits for the step attempts in flight to commit: the last of them moves the execution.</summary>
    [JsonInclude]
    [JsonPropertyName("pending_migration")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PendingMigration? PendingMigration { get; internal set; }

    /// <summary>How many step runs the execution has saved, so each save gets the next sequence number.</summary>
    [JsonInclude]
    [JsonPropertyName("runs_saved")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long RunsSaved { get; internal set; }

    /// <summary>For a re-run from a point of another execution's history: the recorded result each step gives instead
    /// of running (<see cref="Runtime.StepStub"/>), by step id; null for every other execution.</summary>
    [JsonInclude]
    [JsonPropertyName("stubs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, System.Text.Json.Nodes.JsonObject>? Stubs { get; internal set; }

    internal bool HasActiveSteps => Steps.Values.Any(s => s.Status is StepStatus.Scheduled or StepStatus.Running or StepStatus.Waiting);

    internal bool HasRunnableSteps => Steps.Values.Any(s => s.Status is StepStatus.Scheduled or StepStatus.Running);

    /// <summary>The state as stored: every commit writes it, so it uses source-generated serialization.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ExecutionStateJson.Default.ExecutionState);

    public static ExecutionState FromJson(string json) => JsonSerializer.Deserialize(json, ExecutionStateJson.Default.ExecutionState)!;

    internal ExecutionState Copy() => FromJson(ToJson());

    internal int FinishedCount => Steps.Values.Count(s => s.Status is StepStatus.Completed or StepStatus.Skipped or StepStatus.Failed);
}

/// <summary>One step's place in the state. What is null is left out when stored: every commit writes the whole state,
/// and most steps wait for nothing (a 10-step state shrank from 1.6 KB to 0.7 KB).</summary>
public sealed class StepState
{
    [JsonInclude]
    [JsonPropertyName("status")]
    [JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
    public StepStatus Status { get; internal set; }

    /// <summary>The attempt now scheduled or last run.</summary>
    [JsonInclude]
    [JsonPropertyName("attempt")]
    public int Attempt { get; internal set; } = 1;

    /// <summary>First attempt of the current retry round: a manual retry starts a new round of STEP_RETRY_LIMIT.</summary>
    [JsonInclude]
    [JsonPropertyName("round_start")]
    public int RoundStart { get; internal set; } = 1;

    /// <summary>The signal name a waiting step expects; null once its resume is queued.</summary>
    [JsonInclude]
    [JsonPropertyName("waiting_for")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WaitingFor { get; internal set; }

    [JsonInclude]
    [JsonPropertyName("signal_kind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SignalKind { get; internal set; }

    /// <summary>A waiting step's child execution.</summary>
    [JsonInclude]
    [JsonPropertyName("child")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? Child { get; internal set; }

    /// <summary>JSON Schema a manual input must satisfy.</summary>
    [JsonInclude]
    [JsonPropertyName("input_schema")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public System.Text.Json.Nodes.JsonObject? InputSchema { get; internal set; }

    [JsonInclude]
    [JsonPropertyName("started_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? StartedAt { get; internal set; }
}

/// <summary>The migration an execution waits to apply, with the request's step mapping.</summary>
public sealed class PendingMigration
{
    [JsonInclude]
    [JsonPropertyName("migration_id")]
    public Guid MigrationId { get; internal set; }

    [JsonInclude]
    [JsonPropertyName("to_version")]
    public int ToVersion { get; internal set; }

    [JsonInclude]
    [JsonPropertyName("mapping")]
    public Dictionary<string, string> Mapping { get; internal set; } = new(StringComparer.Ordinal);
}

/// <summary>Kept with each child so that starting a grandchild needs no walk up the chain: the depth (a root is
/// 0) and the distinct workflows on the chain from the root down to this execution, itself included. Distinct,
/// so a recursive chain of one workflow a thousand deep still carries one id.</summary>
public sealed class SubflowLineage
{
    [JsonInclude]
    [JsonPropertyName("depth")]
    public int Depth { get; internal set; }

    [JsonInclude]
    [JsonPropertyName("workflows")]
    public List<Guid> Workflows { get; internal set; } = [];

    internal static SubflowLineage RootOf(Guid workflowId) => new() { Depth = 0, Workflows = [workflowId] };

    internal SubflowLineage Child(Guid workflowId) => new()
    {
        Depth = Depth + 1,
        Workflows = Workflows.Contains(workflowId) ? [.. Workflows] : [.. Workflows, workflowId],
    };
}

// A waiting step's input_schema is author JSON inside the state: read it as deep as every other stored value.
[JsonSourceGenerationOptions(MaxDepth = StoredJson.MaxReadDepth)]
[JsonSerializable(typeof(ExecutionState))]
internal sealed partial class ExecutionStateJson : JsonSerializerContext;
