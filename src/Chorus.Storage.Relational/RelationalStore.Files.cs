using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore : IFileStore
{
    public Task InsertFileAsync(FileRecord file, byte[]? content, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.Files.Insert(file, content), ct), ct);

    public Task<FileRecord?> GetFileAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Files.ById(tenant, id), FileRows.Map, ct);

    public Task<byte[]?> GetFileContentAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Files.Content(tenant, id), r => r.GetFieldValue<byte[]>(0), ct);

    public Task<Page<FileRecord>> ListFilesAsync(TenantId tenant, int offset, int limit, CancellationToken ct) =>
        PageAsync(Sql.Files.Count(tenant), Sql.Files.Page(tenant, offset, limit), FileRows.Map, ct);

    public Task<int> DeleteFilesAsync(TenantId tenant, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ids.Count == 0 ? Task.FromResult(0) : WithConnectionAsync(c => ExecuteAsync(c, Sql.Files.Delete(tenant, [.. ids]), ct), ct);

    public async Task<IReadOnlyList<TenantId>> GetTenantsWithUploadsAsync(CancellationToken ct) =>
        await ListAsync(Sql.Files.TenantsWithUploads(), r => new TenantId(r.Text("tenant_id")!), ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<FileRecord>> GetUploadsCreatedBeforeAsync(TenantId tenant, DateTimeOffset before, int max, CancellationToken ct) =>
        await ListAsync(Sql.Files.UploadsCreatedBefore(tenant, before, max), FileRows.Map, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<FileRecord>> GetFilesOfDeletedExecutionsAsync(int max, CancellationToken ct) =>
        await ListAsync(Sql.Files.OfDeletedExecutions(max), FileRows.Map, ct).ConfigureAwait(false);
}
