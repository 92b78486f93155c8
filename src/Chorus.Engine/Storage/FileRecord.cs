namespace Chorus.Engine.Storage;

/// <summary>One file of a tenant's file store: uploaded through the API, or written by a step (a csvOutput step, an
/// output too large for the context). The bytes are in the database, or in a file under the server's files
/// directory named by <see cref="Path"/>.</summary>
public sealed record FileRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid Id { get; init; }
    /// <summary>The file's name as given (what a download proposes); not unique.</summary>
    public required string Name { get; init; }
    public required string ContentType { get; init; }
    public required long Size { get; init; }
    /// <summary>The SHA-256 of the bytes, as 64 lowercase hex digits.</summary>
    public required string Sha256 { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The subject of the credential that uploaded it, or <c>execution</c> for a file a step wrote.</summary>
    public required string CreatedBy { get; init; }
    /// <summary>The execution whose step wrote it: the file lives as long as that execution.</summary>
    public Guid? ExecutionId { get; init; }
    public string? StepId { get; init; }
    /// <summary>Where the bytes are, relative to the files directory; null when the database holds them.</summary>
    public string? Path { get; init; }
}

/// <summary>The files of every tenant. Every read names the tenant; writes happen outside the engine's transactions
/// (a step writes its file before its result is committed).</summary>
public interface IFileStore
{
    /// <summary>Writes the file's row, with its bytes when <paramref name="content"/> is given (null when they are
    /// kept at <see cref="FileRecord.Path"/>).</summary>
    Task InsertFileAsync(FileRecord file, byte[]? content, CancellationToken ct);

    Task<FileRecord?> GetFileAsync(TenantId tenant, Guid id, CancellationToken ct);

    /// <summary>The bytes the database holds for the file; null when there is no such file or its bytes are elsewhere.</summary>
    Task<byte[]?> GetFileContentAsync(TenantId tenant, Guid id, CancellationToken ct);

    /// <summary>The tenant's files, newest first.</summary>
    Task<Page<FileRecord>> ListFilesAsync(TenantId tenant, int offset, int limit, CancellationToken ct);

    /// <summary>Deletes these files of the tenant (row and bytes held in the database); returns how many there were.</summary>
    Task<int> DeleteFilesAsync(TenantId tenant, IReadOnlyCollection<Guid> ids, CancellationToken ct);

    /// <summary>The tenants with files no execution made (uploads), whose age retention limits.</summary>
    Task<IReadOnlyList<TenantId>> GetTenantsWithUploadsAsync(CancellationToken ct);

    /// <summary>Up to <paramref name="max"/> of the tenant's files no execution made, created before
    /// <paramref name="before"/>, oldest first.</summary>
    Task<IReadOnlyList<FileRecord>> GetUploadsCreatedBeforeAsync(TenantId tenant, DateTimeOffset before, int max, CancellationToken ct);

    /// <summary>Up to <paramref name="max"/> files, of any tenant, made by an execution that no longer exists
    /// (deleted by retention, by a person, or with its workflow's history).</summary>
    Task<IReadOnlyList<FileRecord>> GetFilesOfDeletedExecutionsAsync(int max, CancellationToken ct);
}
