using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>Keeps large step outputs out of the executions: an application (the server, with its file store) stores an
/// output larger than <see cref="ThresholdBytes"/> elsewhere and gives back a small reference, which the context, the
/// step run and the events hold in its place.</summary>
public interface IPayloadOffload
{
    /// <summary>Outputs larger than this many bytes, as compact JSON, are handed to <see cref="OffloadAsync"/>; 0 hands
    /// over none.</summary>
    long ThresholdBytes { get; }

    /// <summary>Stores one attempt's output and returns what the execution keeps instead (the output itself when it
    /// chooses not to store it). Called outside the engine's transactions, before the attempt's result is committed;
    /// an exception fails the attempt, which is tried again as any failure is.</summary>
    Task<JsonNode?> OffloadAsync(StepOutput output, CancellationToken ct);
}

/// <summary>A completed attempt's output, with the step it belongs to.</summary>
public sealed record StepOutput(TenantId Tenant, Guid ExecutionId, string StepId, int Attempt, JsonNode Output);
