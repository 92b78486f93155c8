using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Server.Files;

/// <summary>A file's row and its bytes.</summary>
internal sealed record StoredFile(FileRecord Record, byte[] Content);

/// <summary>What is written: the checked bytes of a file and who or what made it.</summary>
internal sealed record NewFile
{
    public required TenantId Tenant { get; init; }
    public required string Name { get; init; }
    public required string ContentType { get; init; }
    public required byte[] Content { get; init; }
    public required string CreatedBy { get; init; }
    public Guid? ExecutionId { get; init; }
    public string? StepId { get; init; }
}

/// <summary>The tenants' files, over the store's rows: the bytes go into the database, or into FILES_DIR when it is
/// set (written whole before the row, so a row never names bytes that are not there yet).</summary>
internal sealed class TenantFiles(IFileStore store, FileSettings settings, TimeProvider time)
{
    /// <summary>The author of files a step wrote.</summary>
    public const string ExecutionAuthor = "execution";

    /// <summary>The code a step fails with when a file it names does not exist (or is another tenant's).</summary>
    public const string FileNotFound = "file_not_found";

    public FileSettings Settings => settings;

    /// <summary>Stores a file whose size and type the caller has checked; returns its row.</summary>
    public async Task<FileRecord> SaveAsync(NewFile file, CancellationToken ct)
    {
        // Ids ordered by time keep the list's order stable among files of the same millisecond.
        var id = Guid.CreateVersion7(time.GetUtcNow());
        var record = new FileRecord
        {
            Tenant = file.Tenant,
            Id = id,
            Name = file.Name,
            ContentType = file.ContentType,
            Size = file.Content.LongLength,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(file.Content)),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = file.CreatedBy,
            ExecutionId = file.ExecutionId,
            StepId = file.StepId,
            Path = settings.Directory is null ? null : RelativePath(file.Tenant, id),
        };
        if (record.Path is not { } path)
        {
            await store.InsertFileAsync(record, file.Content, ct).ConfigureAwait(false);
            return record;
        }
        var full = FullPath(path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var partial = full + ".partial";
        await File.WriteAllBytesAsync(partial, file.Content, ct).ConfigureAwait(false);
        File.Move(partial, full, overwrite: true);
        try
        {
            await store.InsertFileAsync(record, null, ct).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(full);
            throw;
        }
        return record;
    }

    /// <summary>The tenant's file; another tenant's is as absent as one that never existed.</summary>
    public async Task<FileRecord> GetAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        await store.GetFileAsync(tenant, id, ct).ConfigureAwait(false) ?? throw NotFound(id);

    /// <summary>The tenant's file, or null (another tenant's too).</summary>
    public Task<FileRecord?> GetOrNullAsync(TenantId tenant, Guid id, CancellationToken ct) => store.GetFileAsync(tenant, id, ct);

    /// <summary>The tenant's file with its bytes.</summary>
    public async Task<StoredFile> ReadAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        var record = await GetAsync(tenant, id, ct).ConfigureAwait(false);
        return new StoredFile(record, await ContentAsync(record, ct).ConfigureAwait(false));
    }

    private async Task<byte[]> ContentAsync(FileRecord record, CancellationToken ct)
    {
        if (record.Path is null)
            return await store.GetFileContentAsync(record.Tenant, record.Id, ct).ConfigureAwait(false) ?? throw NotFound(record.Id);
        if (settings.Directory is null)
            throw new InvalidOperationException($"File {record.Id} is kept in a files directory, and FILES_DIR is not set.");
        try
        {
            return await File.ReadAllBytesAsync(FullPath(record.Path), ct).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidOperationException($"The bytes of file {record.Id} are missing from FILES_DIR.");
        }
    }

    /// <summary>Deletes the tenant's file; false when it has none of that id.</summary>
    public async Task<bool> DeleteAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        var record = await store.GetFileAsync(tenant, id, ct).ConfigureAwait(false);
        return record is not null && await DeleteAsync([record], ct).ConfigureAwait(false) > 0;
    }

    /// <summary>Deletes the files of one tenant or several: each row first, then its bytes in the directory, so what
    /// a crash in between leaves is bytes nobody names, never a row naming bytes that are gone.</summary>
    public async Task<int> DeleteAsync(IReadOnlyList<FileRecord> files, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var ofTenant in files.GroupBy(f => f.Tenant))
        {
            deleted += await store.DeleteFilesAsync(ofTenant.Key, [.. ofTenant.Select(f => f.Id)], ct).ConfigureAwait(false);
            foreach (var file in ofTenant)
                if (file.Path is { } path && settings.Directory is not null)
                    File.Delete(FullPath(path));
        }
        return deleted;
    }

    /// <summary>The API's 404 (not_found); a step turns it into a failure of its own.</summary>
    public static ChorusException NotFound(Guid id) => new(ErrorCodes.NotFound, $"File {id} does not exist.", new JsonObject { ["file_id"] = id.ToString() });

    /// <summary>A folder per tenant named by a hash of its id, whatever characters the id has, then the file's id.</summary>
    private static string RelativePath(TenantId tenant, Guid id) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant.Value)))[..32] + "/" + id.ToString("N");

    private string FullPath(string relative) => Path.Combine(settings.Directory!, relative);
}
