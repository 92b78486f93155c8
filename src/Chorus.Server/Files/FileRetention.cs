using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Server.Files;

/// <summary>What one round of file retention deleted.</summary>
internal readonly record struct FilePruneTotals(int OfDeletedExecutions, int Uploads);

/// <summary>Keeps the file store within the tenants' history retention. A file a step wrote lives as long as its
/// execution: it goes once the execution is gone (pruned, deleted, or with its workflow's history). An uploaded file
/// is kept as long as the tenant keeps history (HISTORY_RETENTION_DAYS, or its tier's history_days) after its upload.</summary>
internal sealed class FileRetention(IFileStore store, TenantFiles files, IRetentionPolicy policy, EngineOptions options, TimeProvider time,
    ILogger<FileRetention> logger)
{
    private int BatchSize => options.Retention.BatchSize;

    public async Task<FilePruneTotals> RunOnceAsync(CancellationToken ct)
    {
        var ofExecutions = await DeleteFilesOfDeletedExecutionsAsync(ct).ConfigureAwait(false);
        var uploads = 0;
        if (policy.LimitsHistory)
        {
            foreach (var tenant in await store.GetTenantsWithUploadsAsync(ct).ConfigureAwait(false))
            {
                if (await policy.HistoryLimitAsync(tenant, ct).ConfigureAwait(false) is not { } limit)
                    continue;
                var before = time.GetUtcNow() - limit;
                var ofTenant = 0;
                while (await store.GetUploadsCreatedBeforeAsync(tenant, before, BatchSize, ct).ConfigureAwait(false) is { Count: > 0 } due)
                    ofTenant += await files.DeleteAsync(due, ct).ConfigureAwait(false);
                if (ofTenant > 0)
                    logger.LogInformation("Retention: deleted {Count} files of tenant {Tenant} uploaded before {Before:O}", ofTenant, tenant, before);
                uploads += ofTenant;
            }
        }
        return new FilePruneTotals(ofExecutions, uploads);
    }

    /// <summary>Deletes the files of executions that no longer exist, batch after batch; returns how many.</summary>
    public async Task<int> DeleteFilesOfDeletedExecutionsAsync(CancellationToken ct)
    {
        var total = 0;
        while (await store.GetFilesOfDeletedExecutionsAsync(BatchSize, ct).ConfigureAwait(false) is { Count: > 0 } orphans)
        {
            var deleted = await files.DeleteAsync(orphans, ct).ConfigureAwait(false);
            total += deleted;
            // Rows another node deleted between the read and the delete: the next read does not find them again.
            if (deleted == 0 && orphans.Count < BatchSize)
                break;
        }
        if (total > 0)
            logger.LogInformation("Retention: deleted {Count} files of executions that are gone", total);
        return total;
    }
}

/// <summary>Runs <see cref="FileRetention"/> at the history retention's interval while the server runs.</summary>
internal sealed class FileRetentionService(FileRetention retention, EngineOptions options, TimeProvider time, ILogger<FileRetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await retention.RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Pruning only keeps the store small: a failed round is tried again at the next one.
                logger.LogWarning(ex, "File retention failed; trying again in {Interval}", options.Retention.Interval);
            }
            try
            {
                await Task.Delay(options.Retention.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
