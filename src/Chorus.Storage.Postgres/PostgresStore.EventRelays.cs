using System.Globalization;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Reading the events table after a relay's cursor, with several nodes writing.
///
/// Why not "id > last id": ids come from sequence blocks taken per node, and a transaction that took id 10 may
/// commit after one that took id 11, so a reader that saw 11 and moved past it would skip 10 for ever. Why not a
/// "relayed" flag on each row: it would double the writes to the busiest table. Why not a safety lag: no lag is
/// long enough for a transaction held up by a lock or a slow disk.
///
/// Instead the cursor is a pair of snapshots, which PostgreSQL defines exactly: every event row records the
/// transaction that wrote it (xid). A read takes the current snapshot S and publishes the rows whose transaction
/// S shows committed and the previous snapshot P did not; S becomes the next P. A transaction still running at S
/// is not visible in S, so its rows come in a later window, whatever their ids. A window's rows go out in
/// relay_seq order, a sequence read when the row is inserted: one execution's events are written under its row
/// lock, so its later transaction inserts after its earlier one committed, and either falls in a later window or
/// comes after it in the same one. A big window is read in pages by relay_seq, with S kept fixed until drained.
///
/// Cursor text: "P|S|after": S empty between windows; an empty cursor starts before every event.</summary>
public sealed partial class PostgresStore
{
    // No transaction id is below 3 (the first normal one), so this snapshot sees no transaction committed.
    private const string BeforeEverything = "3:3:";

    public override async Task<EventRelayBatch> ReadEventsAfterAsync(string cursor, int max, CancellationToken ct)
    {
        var (previous, upTo, after) = ParseCursor(cursor);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        if (upTo.Length == 0)
        {
            await using var snapshot = new NpgsqlCommand("SELECT pg_current_snapshot()::text", connection);
            upTo = (string)(await snapshot.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            after = 0;
        }
        await using var read = new NpgsqlCommand(
            $"SELECT {string.Join(", ", AppendOnlyTables.EventColumns)}, relay_seq FROM {PostgresDialect.Statements.AppendOnly.Events} " +
            "WHERE xid >= pg_snapshot_xmin(@previous::pg_snapshot) AND xid < pg_snapshot_xmax(@upto::pg_snapshot) " +
            "AND NOT pg_visible_in_snapshot(xid, @previous::pg_snapshot) AND pg_visible_in_snapshot(xid, @upto::pg_snapshot) " +
            "AND relay_seq > @after ORDER BY relay_seq LIMIT @max", connection);
        read.Parameters.AddWithValue("previous", previous);
        read.Parameters.AddWithValue("upto", upTo);
        read.Parameters.AddWithValue("after", after);
        read.Parameters.AddWithValue("max", max);
        var events = new List<RelayedEvent>();
        var last = after;
        await using (var r = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                last = r.GetInt64(r.GetOrdinal("relay_seq"));
                events.Add(new RelayedEvent(AppendOnlyTables.MapEvent(r), last));
            }
        // A short page drains the window: S becomes the next window's start.
        var next = events.Count < max ? $"{upTo}||0" : $"{previous}|{upTo}|{last.ToString(CultureInfo.InvariantCulture)}";
        return new EventRelayBatch(events, next);
    }

    private static (string Previous, string UpTo, long After) ParseCursor(string cursor)
    {
        if (cursor.Length == 0)
            return (BeforeEverything, "", 0);
        var parts = cursor.Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var after))
            throw new ArgumentException($"not an event relay cursor of this store: '{cursor}'", nameof(cursor));
        return (parts[0], parts[1], after);
    }
}
