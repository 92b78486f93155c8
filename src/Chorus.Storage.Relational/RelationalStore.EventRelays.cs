using System.Globalization;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore : IEventRelayStore
{
    public Task<string?> TryLeaseEventRelayAsync(string relay, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken ct) =>
        WithConnectionAsync(async c =>
        {
            await ExecuteAsync(c, Sql.EventRelays.Create(relay), ct).ConfigureAwait(false);
            return await ScalarAsync(c, Sql.EventRelays.Lease(relay, owner, now, now + lease), ct).ConfigureAwait(false) as string;
        }, ct);

    /// <summary>The default reads after the last id: right for a store with one writer, whose events commit in the
    /// order of their ids. A store shared by several writers overrides it.</summary>
    public virtual async Task<EventRelayBatch> ReadEventsAfterAsync(string cursor, int max, CancellationToken ct)
    {
        var after = cursor.Length == 0 ? 0 : long.Parse(cursor, NumberStyles.Integer, CultureInfo.InvariantCulture);
        var events = await ListAsync(Sql.EventRelays.EventsAfterId(after, max), r =>
        {
            var evt = AppendOnlyTables.MapEvent(r);
            return new RelayedEvent(evt, evt.Id);
        }, ct).ConfigureAwait(false);
        return new EventRelayBatch(events, events.Count == 0 ? cursor : events[^1].Sequence.ToString(CultureInfo.InvariantCulture));
    }

    public Task<bool> AdvanceEventRelayAsync(string relay, string owner, string cursor, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.EventRelays.Advance(relay, owner, cursor), ct).ConfigureAwait(false) > 0, ct);

    public Task ReleaseEventRelayAsync(string relay, string owner, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.EventRelays.Release(relay, owner), ct), ct);
}
