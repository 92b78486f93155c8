using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore : ICollectionStore
{
    public Task<RecordsSaved> SaveRecordsAsync(TenantId tenant, string collection, string? keyField, IReadOnlyList<RecordWrite> records,
        CollectionLimits limits, DateTimeOffset now, CancellationToken ct) =>
        WithConnectionAsync(async c =>
        {
            // SQLite's transaction starts as the writer (BEGIN IMMEDIATE); PostgreSQL's locks the collection's row: either
            // way, the count the caps read cannot change before this write commits.
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            var info = await LockedCollectionAsync(c, tx, tenant, collection, ct).ConfigureAwait(false);
            if (info is null)
            {
                if (Sql.Collections.LockTenant(tenant) is { } lockTenant)
                    await ExecuteAsync(c, lockTenant, ct, tx).ConfigureAwait(false);
                // Another writer may have created it while this one waited for the lock.
                info = await LockedCollectionAsync(c, tx, tenant, collection, ct).ConfigureAwait(false);
                if (info is null)
                {
                    var count = Columns.Long(await ScalarAsync(c, Sql.Collections.CountOfTenant(tenant), ct, tx).ConfigureAwait(false));
                    if (count >= limits.MaxCollectionsPerTenant)
                        throw new CollectionWriteRefusedException("too_many_collections",
                            $"The tenant has {count} collections, the most it may have; delete one to create '{collection}'.");
                    await ExecuteAsync(c, Sql.Collections.Create(tenant, collection, keyField, now), ct, tx).ConfigureAwait(false);
                    info = new CollectionInfo { Name = collection, KeyField = keyField, RecordCount = 0, CreatedAt = now, UpdatedAt = now };
                }
            }
            if (!string.Equals(info.KeyField, keyField, StringComparison.Ordinal))
                throw new CollectionWriteRefusedException("collection_key_mismatch", info.KeyField is null
                    ? $"The collection '{collection}' is not keyed; write to it without a key, or to a new collection."
                    : $"The collection '{collection}' is keyed by '{info.KeyField}'; write to it with that key.");

            var ids = records.Select(r => r.Id).Distinct(StringComparer.Ordinal).ToArray();
            var existing = (await ListAsync(c, Sql.Collections.ExistingIds(tenant, collection, ids), r => r.GetString(0), ct, tx).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal);
            var inserted = ids.Count(id => !existing.Contains(id));
            if (info.RecordCount + inserted > limits.MaxRecordsPerCollection)
                throw new CollectionWriteRefusedException("collection_full",
                    $"The collection '{collection}' holds {info.RecordCount:N0} records; {inserted:N0} more would pass its cap of {limits.MaxRecordsPerCollection:N0}.");
            // The last of several records with one id wins, as if they were written one after the other.
            var last = new Dictionary<string, RecordWrite>(StringComparer.Ordinal);
            foreach (var record in records)
                last[record.Id] = record;
            await UpsertAllAsync(c, tx, [.. last.Values.Select(r => Sql.Collections.Upsert(tenant, collection, r, now))], ct).ConfigureAwait(false);
            await ExecuteAsync(c, Sql.Collections.AddCount(tenant, collection, inserted, now), ct, tx).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new RecordsSaved(inserted, records.Count - inserted);
        }, ct);

    /// <summary>The upserts in one round trip where the driver batches statements (PostgreSQL: a thousand records in one
    /// batch instead of a thousand), else one by one (SQLite, in process, has no round trips to save).</summary>
    private async Task UpsertAllAsync(DbConnection c, DbTransaction tx, IReadOnlyList<Statement> upserts, CancellationToken ct)
    {
        if (!c.CanCreateBatch)
        {
            foreach (var upsert in upserts)
                await ExecuteAsync(c, upsert, ct, tx).ConfigureAwait(false);
            return;
        }
        await using var batch = c.CreateBatch();
        batch.Transaction = tx;
        foreach (var upsert in upserts)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = upsert.Sql;
            upsert.BindTo(command.Parameters, Sql.Dialect);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<CollectionInfo?> LockedCollectionAsync(DbConnection c, DbTransaction tx, TenantId tenant, string collection, CancellationToken ct) =>
        (await ListAsync(c, Sql.Collections.Collection(tenant, collection, forUpdate: true), CollectionRows.MapCollection, ct, tx).ConfigureAwait(false))
            .FirstOrDefault();

    public Task<RecordPage> QueryRecordsAsync(TenantId tenant, string collection, RecordQuery query, CancellationToken ct) =>
        WithConnectionAsync(async c =>
        {
            var (count, page) = Sql.Collections.Query(tenant, collection, query);
            var total = Columns.Long(await ScalarAsync(c, count, ct).ConfigureAwait(false));
            var records = total == 0 ? [] : await ListAsync(c, page, CollectionRows.MapRecord, ct).ConfigureAwait(false);
            return new RecordPage(records, total);
        }, ct);

    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(TenantId tenant, CancellationToken ct) =>
        await ListAsync(Sql.Collections.OfTenant(tenant), CollectionRows.MapCollection, ct).ConfigureAwait(false);

    public Task<CollectionInfo?> GetCollectionAsync(TenantId tenant, string collection, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Collections.Collection(tenant, collection), CollectionRows.MapCollection, ct);

    public Task<long?> DeleteCollectionAsync(TenantId tenant, string collection, CancellationToken ct) =>
        WithConnectionAsync<long?>(async c =>
        {
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            var records = await ExecuteAsync(c, Sql.Collections.DeleteRecords(tenant, collection), ct, tx).ConfigureAwait(false);
            if (await ExecuteAsync(c, Sql.Collections.Delete(tenant, collection), ct, tx).ConfigureAwait(false) == 0)
                return null;
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return records;
        }, ct);
}
