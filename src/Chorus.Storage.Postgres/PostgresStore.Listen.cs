using System.Globalization;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Cluster wake-ups: a commit that queues work runs NOTIFY with the work's due time; every node keeps
/// one connection listening, so an idle node claims at once instead of at its next poll. Polling
/// (WORKFLOW_CHECK_INTERVAL) remains the fallback when a notification is lost, e.g. while reconnecting.</summary>
public sealed partial class PostgresStore
{
    internal const string WorkChannel = "chorus_work";

    public async Task ListenForWorkAsync(Action<DateTimeOffset> onWork, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                        onWork(DateTimeOffset.FromUnixTimeMilliseconds(ms));
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {WorkChannel}", connection))
                    await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                // Anything committed while not listening is found by the next claim.
                onWork(DateTimeOffset.UnixEpoch);
                while (!ct.IsCancellationRequested)
                    await connection.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                // The server went away: listen again after a pause; polling covers the gap.
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }
}
