using System.Globalization;
using System.Threading.Channels;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>What crosses between nodes: a commit NOTIFYs the due time of the work it queued and the ids of
/// the events it wrote; every node keeps a connection listening. Work notifications wake idle nodes (polling
/// every WORKFLOW_CHECK_INTERVAL remains the fallback); event notifications carry ids only, since a NOTIFY
/// payload is limited to 8,000 bytes, and the events are read from the table.</summary>
public sealed partial class PostgresStore
{
    internal const string WorkChannel = "chorus_work";
    internal const string EventChannel = "chorus_events";

    /// <summary>Several nodes share the database, its work queue and its events.</summary>
    public StoreCapabilities Capabilities => StoreCapabilities.SharedByNodes;

    public Task ListenForWorkAsync(Action<DateTimeOffset> onWork, CancellationToken ct) =>
        ListenAsync(WorkChannel, payload =>
        {
            if (long.TryParse(payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                onWork(DateTimeOffset.FromUnixTimeMilliseconds(ms));
        },
        // Anything committed while not listening is found by the next claim.
        () => onWork(DateTimeOffset.UnixEpoch), ct);

    public async Task ListenForEventsAsync(Action<EventRecord> onEvent, Func<bool> wanted, CancellationToken ct)
    {
        var ids = Channel.CreateUnbounded<long[]>(new UnboundedChannelOptions { SingleReader = true });
        // The listening connection cannot run queries while it waits, so the events are read on another one.
        var reading = Task.Run(async () =>
        {
            await foreach (var batch in ids.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                foreach (var evt in await ReadEventsAsync(batch, ct).ConfigureAwait(false))
                    onEvent(evt);
        }, ct);
        try
        {
            await ListenAsync(EventChannel, payload =>
            {
                // The engine delivered its own events when it committed them: only other nodes' events are read back.
                var (origin, list) = payload.IndexOf(':') is var colon and >= 0 ? (payload[..colon], payload[(colon + 1)..]) : ("", payload);
                if (origin != _origin && wanted())
                    ids.Writer.TryWrite(ParseIds(list));
            }, () => { }, ct).ConfigureAwait(false);
        }
        finally
        {
            ids.Writer.TryComplete();
            try { await reading.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private async Task ListenAsync(string channel, Action<string> onPayload, Action onListening, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                connection.Notification += (_, e) => onPayload(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                onListening();
                while (!ct.IsCancellationRequested)
                    await connection.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                // The server went away: listen again after a pause.
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }

    private static long[] ParseIds(string payload) => payload
        .Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : -1)
        .Where(id => id > 0)
        .ToArray();

    private async Task<List<EventRecord>> ReadEventsAsync(long[] ids, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            $"SELECT {string.Join(", ", AppendOnlyTables.EventColumns)} FROM {PostgresDialect.Statements.AppendOnly.Events} WHERE id = ANY(@ids) ORDER BY id", connection);
        cmd.Parameters.AddWithValue("ids", ids);
        var events = new List<EventRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            events.Add(AppendOnlyTables.MapEvent(r));
        return events;
    }
}
