using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

public sealed partial class ChorusEngine
{
    /// <summary>Proves the store takes writes now: commits a one-row write. Clears the recorded storage fault when it
    /// succeeds; throws <see cref="StorageUnavailableException"/> (and records it) when it does not.</summary>
    public async Task ProbeStorageAsync(CancellationToken ct = default)
    {
        await _committer.RunAsync(async s => { await s.Tx.ProbeWriteAsync(_time.GetUtcNow()).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
        StorageHealth.Clear();
    }
}
