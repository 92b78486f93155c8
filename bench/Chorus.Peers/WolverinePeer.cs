using JasperFx;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.Postgresql;

namespace Chorus.Peers;

/// <summary>Wolverine (6.x, with WolverineFx.Postgresql): one step is one message on a durable local queue, handled
/// by <see cref="ChainStepHandler"/>, which returns the next step's message (a cascading message). Starting a
/// chain sends its first message. What a step guarantees: each message is written to Wolverine's PostgreSQL
/// inbox before it is handled, the returned message is stored durably before the handled one is marked done, and a
/// message whose node dies is recovered and handled again: at least once. The step's output (the counter) rides
/// in the next message, so it is saved with it.</summary>
internal sealed class WolverinePeer(IHost host) : IPeer
{
    private readonly IMessageBus _bus = host.Services.GetRequiredService<IMessageBus>();

    public static async Task<WolverinePeer> StartAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseWolverine(options =>
        {
            options.ApplicationAssembly = typeof(WolverinePeer).Assembly;
            options.Discovery.DisableConventionalDiscovery().IncludeType(typeof(ChainStepHandler));
            options.PersistMessagesWithPostgresql(connectionString, "wolverine");
            options.Policies.UseDurableLocalQueues();
            options.Durability.Mode = DurabilityMode.Solo; // one node: no leader election or node agents to wait for
            options.AutoBuildMessageStorageOnStartup = AutoCreate.CreateOrUpdate;
        });
        var host = builder.Build();
        await host.StartAsync();
        return new WolverinePeer(host);
    }

    public async Task StartChainAsync(int chain) => await _bus.PublishAsync(new ChainStep(chain, Step: 1, Counter: 0));

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>Run step <paramref name="Step"/> of chain <paramref name="Chain"/>; <paramref name="Counter"/> is what
/// the step before it left.</summary>
public sealed record ChainStep(int Chain, int Step, int Counter);

public static class ChainStepHandler
{
    /// <summary>Adds one to the counter and returns the next step's message, which Wolverine sends on (cascades);
    /// the last step returns nothing.</summary>
    public static ChainStep? Handle(ChainStep message)
    {
        var counter = message.Counter + 1;
        ChainTracker.Current.StepRan(message.Chain, message.Step, counter);
        return message.Step < BenchOptions.Steps ? new ChainStep(message.Chain, message.Step + 1, counter) : null;
    }
}
