using System.Collections.Concurrent;
using Chorus.Engine.Storage;

namespace Chorus.Server.Security;

/// <summary>Which API keys have been revoked, for connections that outlive the request that verified their key
/// (the WebSocket). A REST request verifies its key against the store every time; a connection asks here at each
/// event, which must not wait for I/O. A key revoked through this node is known at once; one revoked through
/// another node (or straight in the store) is found by a re-read of the key, at most one every
/// <see cref="RecheckInterval"/> per key, in the background, so it is known a few seconds (and one event) later.
/// <see cref="KeyRevoked"/> tells the connections at the moment a key is known revoked, so that they end even when
/// no further event comes.</summary>
internal sealed class ApiKeyRevocations(IApiKeyStore store, TimeProvider time, ILogger<ApiKeyRevocations> log)
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    // One entry per key id a connection has asked about; revocation is final, so a revoked entry is never re-read.
    private readonly ConcurrentDictionary<string, KeyState> _keys = new(StringComparer.Ordinal);

    /// <summary>Raised once per key, with its id, when it becomes known revoked (on the revoking or re-reading thread).</summary>
    public event Action<string>? KeyRevoked;

    /// <summary>Called once the store has recorded the revocation.</summary>
    public void MarkRevoked(string id) => Revoke(id, _keys.GetOrAdd(id, _ => new KeyState(DateTimeOffset.MinValue)));

    /// <summary>Answers at once from what is known; starts a re-read of the key when the last is older than the interval.</summary>
    public bool IsRevoked(string id)
    {
        var now = time.GetUtcNow();
        // A key seen for the first time is read at once: its connection may have verified it long ago.
        var state = _keys.GetOrAdd(id, _ => new KeyState(DateTimeOffset.MinValue));
        if (state.Revoked)
            return true;
        // On the thread pool: the caller may be the event dispatcher holding its lock, and a store call can do
        // synchronous work before its first await.
        if (now - state.CheckedAt >= RecheckInterval && state.TryStartCheck())
            _ = Task.Run(() => RecheckAsync(id, state));
        return false;
    }

    private async Task RecheckAsync(string id, KeyState state)
    {
        try
        {
            var key = await store.FindApiKeyAsync(id, CancellationToken.None).ConfigureAwait(false);
            // A key that is gone (its tenant deleted) verifies no more than a revoked one.
            if (key is null || key.RevokedAt is not null)
                Revoke(id, state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The key keeps its last verdict; the next event after the interval tries again.
            log.LogWarning(ex, "API key {ApiKeyId} could not be re-read to check for its revocation.", id);
        }
        finally
        {
            state.EndCheck(time.GetUtcNow());
        }
    }

    private void Revoke(string id, KeyState state)
    {
        if (state.Revoke())
            KeyRevoked?.Invoke(id);
    }

    private sealed class KeyState(DateTimeOffset checkedAt)
    {
        private int _revoked;
        private int _checking;
        private long _checkedAtTicks = checkedAt.UtcTicks;

        public bool Revoked => Volatile.Read(ref _revoked) == 1;

        public DateTimeOffset CheckedAt => new(Interlocked.Read(ref _checkedAtTicks), TimeSpan.Zero);

        /// <summary>True for the call that revoked it, false if it already was.</summary>
        public bool Revoke() => Interlocked.Exchange(ref _revoked, 1) == 0;

        public bool TryStartCheck() => Interlocked.CompareExchange(ref _checking, 1, 0) == 0;

        public void EndCheck(DateTimeOffset at)
        {
            Interlocked.Exchange(ref _checkedAtTicks, at.UtcTicks);
            Volatile.Write(ref _checking, 0);
        }
    }
}
