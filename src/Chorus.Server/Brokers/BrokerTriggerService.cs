using System.Security.Cryptography;
using System.Text;
using Chorus.Engine.Storage;
using Chorus.Server.Secrets;

namespace Chorus.Server.Brokers;

/// <summary>Runs one consumer per enabled broker trigger on this node, and follows the triggers as they are created,
/// changed, disabled or deleted (and as their secret changes), reading them again every <see cref="Refresh"/>. Every
/// node of a cluster runs the same consumers on the same queues, and the broker shares the messages among them.</summary>
internal sealed partial class BrokerTriggerService(IEnumerable<IBrokerAdapter> adapters, IBrokerTriggerStore store, SecretVault secrets,
    BrokerStarts starts, Tiers.TierQuotas tiers, ILogger<BrokerTriggerService> logger) : BackgroundService
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    private readonly Dictionary<Guid, Running> _running = [];

    private sealed record Running(string Fingerprint, CancellationTokenSource Stop, Task Consumer);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ReconcileAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The store may be away for a while: the consumers that run keep running, and the next round retries.
                    LogReadFailed(ex);
                }
                await Task.Delay(Refresh, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(_running.Keys.ToList().Select(StopAsync)).ConfigureAwait(false);
        }
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        var wanted = new Dictionary<Guid, (BrokerTriggerRecord Trigger, IBrokerAdapter Adapter, string? Url)>();
        foreach (var adapter in adapters)
            foreach (var trigger in await store.ListEnabledBrokerTriggersAsync(adapter.Kind, ct).ConfigureAwait(false))
            {
                // A tenant whose tier has no broker triggers: its consumers stop and its messages wait in the queue.
                if (!tiers.LimitsOf(trigger.Tenant).BrokerTriggers)
                {
                    if (_running.ContainsKey(trigger.Id))
                        LogTierStopped(trigger.Id, trigger.Tenant.Value);
                    continue;
                }
                wanted[trigger.Id] = (trigger, adapter, await ConnectionUrlAsync(trigger, ct).ConfigureAwait(false));
            }

        foreach (var id in _running.Keys.Where(id => !wanted.ContainsKey(id)).ToList())
        {
            LogStopped(id);
            await StopAsync(id).ConfigureAwait(false);
        }
        foreach (var (id, (trigger, adapter, url)) in wanted)
        {
            var fingerprint = Fingerprint(trigger, url);
            if (_running.TryGetValue(id, out var running))
            {
                if (running.Fingerprint == fingerprint && !running.Consumer.IsCompleted)
                    continue;
                await StopAsync(id).ConfigureAwait(false);
            }
            if (url is null)
                continue;
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var subscription = new BrokerSubscription(trigger.Id, trigger.Settings, url);
            var consumer = Task.Run(() => adapter.ConsumeAsync(subscription, (message, token) => starts.StartAsync(trigger, message, token), stop.Token), CancellationToken.None);
            _running[id] = new Running(fingerprint, stop, consumer);
            LogStarted(trigger.Kind, id, trigger.WorkflowId);
        }
    }

    /// <summary>The connection URL from the tenant's secret; null (and the trigger idle) while the secret is missing or
    /// cannot be decrypted.</summary>
    private async Task<string?> ConnectionUrlAsync(BrokerTriggerRecord trigger, CancellationToken ct)
    {
        var name = BrokerTriggerSettings.Secret(trigger.Settings);
        try
        {
            var url = await secrets.ResolveAsync(trigger.Tenant, name, ct).ConfigureAwait(false);
            if (url is null)
                LogNoSecret(trigger.Id, name);
            return url;
        }
        catch (Chorus.Engine.Steps.StepConfigurationException ex)
        {
            LogBadSecret(trigger.Id, ex.Message);
            return null;
        }
    }

    /// <summary>What a consumer depends on: a change to any of it restarts the consumer. The URL enters only hashed.</summary>
    private static string Fingerprint(BrokerTriggerRecord trigger, string? url) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{trigger.WorkflowId}\n{trigger.Settings.ToJsonString()}\n{trigger.UpdatedAt.UtcTicks}\n{url}")));

    private async Task StopAsync(Guid id)
    {
        if (!_running.Remove(id, out var running))
            return;
        await running.Stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.Consumer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogConsumerFailed(ex, id);
        }
        running.Stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker trigger {TriggerId} ({Kind}) of workflow {WorkflowId}: consumer started")]
    private partial void LogStarted(string kind, Guid triggerId, Guid workflowId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker trigger {TriggerId}: consumer stopped (trigger disabled, deleted or changed)")]
    private partial void LogStopped(Guid triggerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker trigger {TriggerId}: the secret '{Secret}' does not exist; the trigger reads nothing until it does")]
    private partial void LogNoSecret(Guid triggerId, string secret);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker trigger {TriggerId}: {Reason}")]
    private partial void LogBadSecret(Guid triggerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker trigger {TriggerId}: the tier of tenant {Tenant} does not include broker triggers; the consumer stops, and its messages wait in the queue")]
    private partial void LogTierStopped(Guid triggerId, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker triggers could not be read; trying again shortly")]
    private partial void LogReadFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker trigger {TriggerId}: the consumer failed")]
    private partial void LogConsumerFailed(Exception ex, Guid triggerId);
}
