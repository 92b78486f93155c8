namespace Chorus.Peers;

/// <summary>One peer, started on its fresh store, ready to run chains of <see cref="BenchOptions.Steps"/> steps.
/// Each step reports itself to <see cref="ChainTracker.Current"/>.</summary>
internal interface IPeer : IAsyncDisposable
{
    /// <summary>Starts chain <paramref name="chain"/> (0-based, each number once) and returns once the peer has
    /// accepted it (durably, where the peer is durable); its steps then run in the background.</summary>
    Task StartChainAsync(int chain);
}
