using System.Text.Json.Nodes;
using Chorus.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>The key a client sends with a start (<c>Idempotency-Key</c>) and a hash of its request (the workflow
/// and the body), so that a repeat of another request under the same key is told apart.</summary>
public sealed record IdempotentStart(string Key, string RequestHash);

/// <summary>The execution a start answers with; <see cref="Replayed"/> when an earlier request with the same key
/// started it.</summary>
public sealed record StartOutcome(ExecutionRecord Execution, bool Replayed);

public sealed partial class ChorusEngine
{
    /// <summary>How long a key keeps answering the execution it started; older keys are free again and pruned.</summary>
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    /// <summary>Another transaction wrote the key between this one's look-up and its insert; the start is undone.</summary>
    private sealed class IdempotencyKeyTaken() : Exception("The idempotency key was taken by a concurrent request.");

    /// <summary>The execution an earlier request with this key started, or null when a start with it would start a
    /// new one; a key used with another request is a conflict. A host checks its own limits on new starts only.</summary>
    public Task<StartOutcome?> FindReplayAsync(TenantId tenant, Guid workflowId, IdempotentStart idempotency, CancellationToken ct = default) =>
        _committer.RunAsync(s => FindReplayAsync(s, tenant, workflowId, idempotency), ct);

    /// <summary>The key's execution is written in the same transaction as the key, so a key that exists always has
    /// its execution, across crashes too; only its deletion (with its workflow) can part them.</summary>
    private async Task<StartOutcome?> FindReplayAsync(CommitScope s, TenantId tenant, Guid workflowId, IdempotentStart idempotency)
    {
        var now = _time.GetUtcNow();
        var held = await s.Tx.GetIdempotencyKeyAsync(tenant, idempotency.Key, now - IdempotencyWindow).ConfigureAwait(false);
        if (held is null)
            return null;
        if (held.WorkflowId != workflowId || held.RequestHash != idempotency.RequestHash)
            throw new ChorusException(ErrorCodes.Conflict,
                "This Idempotency-Key was already used with a different request; use a new key for a new request.",
                new JsonObject
                {
                    ["reason"] = "idempotency_key_reused",
                    ["execution_id"] = held.ExecutionId.ToString(),
                    ["workflow_id"] = held.WorkflowId.ToString(),
                });
        var execution = await s.GetExecutionAsync(tenant, held.ExecutionId).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.Conflict, "The execution this Idempotency-Key started no longer exists; use a new key.",
                new JsonObject { ["reason"] = "idempotency_key_reused", ["execution_id"] = held.ExecutionId.ToString() });
        return new StartOutcome(execution.Copy(), Replayed: true);
    }

    /// <summary>Looks the key up, starts, and writes the key, all in one transaction: either both the execution
    /// and its key are committed or neither. Two racing requests: on the embedded store the committer runs them
    /// one after the other and the second finds the key; on a shared store the second's insert waits for the
    /// first's commit, finds the key taken, and is undone and run again, now finding it.</summary>
    private async Task<StartOutcome> StartOnceAsync(ExecutionCommands.StartRequest request, IdempotentStart idempotency, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _committer.RunAsync(async s =>
                {
                    if (await FindReplayAsync(s, request.Tenant, request.Version.WorkflowId, idempotency).ConfigureAwait(false) is { } replayed)
                        return replayed;
                    var execution = await _commands.StartAsync(s, request).ConfigureAwait(false);
                    var now = _time.GetUtcNow();
                    var key = new IdempotencyRecord
                    {
                        Tenant = request.Tenant, Key = idempotency.Key, WorkflowId = request.Version.WorkflowId,
                        RequestHash = idempotency.RequestHash, ExecutionId = execution.Id, CreatedAt = now,
                    };
                    if (!await s.Tx.TryInsertIdempotencyKeyAsync(key, now - IdempotencyWindow).ConfigureAwait(false))
                        throw new IdempotencyKeyTaken();
                    await _commands.RunPureStepsAsync(s).ConfigureAwait(false);
                    return new StartOutcome(execution.Copy(), Replayed: false);
                }, ct).ConfigureAwait(false);
            }
            catch (IdempotencyKeyTaken) when (attempt < 3)
            {
            }
        }
    }

    private async Task PruneIdempotencyKeysLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromHours(1), _time, stopping).ConfigureAwait(false);
                await PruneIdempotencyKeysAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Expired keys are ignored by every look-up; pruning only keeps the table small, so it waits an hour.
                _logger.LogWarning(ex, "Pruning expired idempotency keys failed");
            }
        }
    }

    /// <summary>Deletes the keys past <see cref="IdempotencyWindow"/>; returns how many.</summary>
    public Task<int> PruneIdempotencyKeysAsync(CancellationToken ct = default) =>
        _committer.RunAsync(s => s.Tx.PruneIdempotencyKeysAsync(_time.GetUtcNow() - IdempotencyWindow), ct);
}
