using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>Tenants' own collections of JSON records (the saveRecords and fetchData steps, <c>/api/collections</c>).
/// A collection exists from its first write. Every operation names the tenant: no call reads across tenants. Writes
/// happen outside the engine's transactions, each in one transaction of its own: all of its records, or none.</summary>
public interface ICollectionStore
{
    /// <summary>Inserts or replaces (by id) the records in the tenant's collection, creating it when it does not exist
    /// yet with <paramref name="keyField"/> as the field it is keyed by. Records that share an id within the write: the
    /// last one wins.</summary>
    /// <exception cref="CollectionWriteRefusedException">The write would pass one of <paramref name="limits"/>, or the
    /// collection is keyed by another field than <paramref name="keyField"/>; nothing was written.</exception>
    Task<RecordsSaved> SaveRecordsAsync(TenantId tenant, string collection, string? keyField, IReadOnlyList<RecordWrite> records,
        CollectionLimits limits, DateTimeOffset now, CancellationToken ct);

    /// <summary>One page of the records that match every condition, and how many match in all. A collection that does
    /// not exist has none.</summary>
    Task<RecordPage> QueryRecordsAsync(TenantId tenant, string collection, RecordQuery query, CancellationToken ct);

    /// <summary>The tenant's collections ordered by name.</summary>
    Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(TenantId tenant, CancellationToken ct);

    Task<CollectionInfo?> GetCollectionAsync(TenantId tenant, string collection, CancellationToken ct);

    /// <summary>Deletes the collection with its records; the number of records deleted, or null when there was none.</summary>
    Task<long?> DeleteCollectionAsync(TenantId tenant, string collection, CancellationToken ct);
}

/// <summary>One record to write: its id within the collection and its data.</summary>
public sealed record RecordWrite(string Id, JsonObject Data);

/// <summary>What one write did: records new to the collection, and records that replaced one with the same id.</summary>
public sealed record RecordsSaved(int Inserted, int Updated);

/// <summary>The caps every write is held to.</summary>
public sealed record CollectionLimits
{
    /// <summary>Records one collection holds at most.</summary>
    public long MaxRecordsPerCollection { get; init; } = 100_000;

    /// <summary>Collections one tenant has at most.</summary>
    public int MaxCollectionsPerTenant { get; init; } = 100;
}

/// <summary>A write the collection's caps or key refuse. <see cref="Code"/>: collection_full, too_many_collections or
/// collection_key_mismatch.</summary>
public sealed class CollectionWriteRefusedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

public sealed record CollectionInfo
{
    public required string Name { get; init; }
    /// <summary>The field its records are keyed by (their id is that field's value), or null for ids the writer chose.</summary>
    public string? KeyField { get; init; }
    public required long RecordCount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

public sealed record CollectionRecord
{
    public required string Id { get; init; }
    public required JsonObject Data { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A page of records and the number that match the query in all.</summary>
public sealed record RecordPage(IReadOnlyList<CollectionRecord> Records, long Total);

/// <summary>Which records, in which order, and which page of them.</summary>
public sealed record RecordQuery
{
    /// <summary>All must hold.</summary>
    public IReadOnlyList<RecordCondition> Conditions { get; init; } = [];
    /// <summary>The field to order by; null for the order of first write. Numbers come before strings, strings before
    /// booleans, and records without a value (or with an object or array) last; ties keep the order of first write.</summary>
    public FieldPath? OrderBy { get; init; }
    public bool Descending { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>A condition on one field. <see cref="Value"/>: a string, number, boolean or null for the comparisons, a
/// string for <see cref="RecordOperator.Contains"/>, an array of those for <see cref="RecordOperator.In"/>, a boolean for
/// <see cref="RecordOperator.Exists"/>. Comparisons hold only between values of one JSON type: <c>age &gt; 18</c> is
/// false for <c>"age": "19"</c>.</summary>
public sealed record RecordCondition(FieldPath Field, RecordOperator Operator, JsonNode? Value);

public enum RecordOperator
{
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    /// <summary>The string field contains the text (case-sensitive).</summary>
    Contains,
    /// <summary>The field equals one of the values.</summary>
    In,
    /// <summary>True: the field is there and not null; false: it is missing or null.</summary>
    Exists,
}
