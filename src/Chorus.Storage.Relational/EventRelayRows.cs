namespace Chorus.Storage.Relational;

/// <summary>The event_relays table: one row per relay, its cursor and the lease of the process relaying.</summary>
internal sealed class EventRelayRows(SqlDialect d)
{
    private readonly string _create = d.Sql(
        $"INSERT INTO {d.Table("event_relays")} (name, cursor) VALUES (@name, '') ON CONFLICT (name) DO NOTHING");

    /// <summary>Makes sure the relay's row exists (from the start of the events table).</summary>
    public Statement Create(string relay) => new Statement(_create).With("@name", relay);

    private readonly string _lease = d.Sql(
        $"UPDATE {d.Table("event_relays")} SET owner = @owner, lease_until = @until " +
        "WHERE name = @name AND (owner IS NULL OR owner = @owner OR lease_until < @now) RETURNING cursor");

    public Statement Lease(string relay, string owner, DateTimeOffset now, DateTimeOffset until) =>
        new Statement(_lease).With("@name", relay).With("@owner", owner).With("@now", now).With("@until", until);

    private readonly string _advance = d.Sql(
        $"UPDATE {d.Table("event_relays")} SET cursor = @cursor WHERE name = @name AND owner = @owner");

    public Statement Advance(string relay, string owner, string cursor) =>
        new Statement(_advance).With("@name", relay).With("@owner", owner).With("@cursor", cursor);

    private readonly string _release = d.Sql(
        $"UPDATE {d.Table("event_relays")} SET owner = NULL, lease_until = NULL WHERE name = @name AND owner = @owner");

    public Statement Release(string relay, string owner) => new Statement(_release).With("@name", relay).With("@owner", owner);

    private readonly string _eventsAfterId = d.Sql(
        $"SELECT {string.Join(", ", AppendOnlyTables.EventColumns)} FROM {d.Table("events")} WHERE id > @after ORDER BY id LIMIT @max");

    /// <summary>For a store whose events commit in the order of their ids (one writer).</summary>
    public Statement EventsAfterId(long after, int max) => new Statement(_eventsAfterId).With("@after", after).With("@max", max);
}
