using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps.Remote;

/// <summary>An action step whose <c>config.action</c> is no built-in action but a step a steps service offers
/// (<c>{"action": "process_data_1", ...}</c>): the service gets the config without <c>action</c>.</summary>
internal static class RemoteAction
{
    public static Task<StepResult> RunAsync(RemoteStepSource remote, StepExecutionContext context, string action, JsonObject config, CancellationToken ct)
    {
        if (!remote.OffersAction(action))
            return Task.FromResult<StepResult>(Unknown(remote, action));
        var forwarded = WithoutAction(config);
        Func<Task<StepResult>>? local = null;
        if (context.Services.Registry.TryGetLocal(action, out var handler))
        {
            local = async () =>
            {
                var step = new StepDefinition { Id = context.Step.Id, Name = context.Step.Name, Type = action, Config = forwarded, Timeout = context.Step.Timeout };
                var child = context.Derive(step, forwarded);
                try
                {
                    return await handler.ExecuteAsync(child, ct).ConfigureAwait(false);
                }
                finally
                {
                    context.AppendLogs(child);
                }
            };
        }
        return remote.Runner.RunAsync(context, action, forwarded, local, ct);
    }

    /// <summary>The save-time check of a remote action's config, as the service's schema sees it (without <c>action</c>).</summary>
    public static IEnumerable<StepConfigIssue> Validate(RemoteStepSource remote, string action, JsonObject config, string prefix, IReadOnlyList<string> builtIn)
    {
        if (remote.Catalog.FindOrRefresh(action) is var (_, step))
            return RemoteConfigCheck.Check(step, WithoutAction(config), prefix);
        return [new($"{prefix}.action", $"Unknown action '{action}'; known: {string.Join(", ", builtIn)}. {remote.DescribeServices()}")];
    }

    private static StepResult Unknown(RemoteStepSource remote, string action) => remote.AnyUnreachable
        ? new StepResult.Failed(RemoteStepCatalog.ExternalServiceError, $"No steps service offers action '{action}' now. {remote.DescribeServices()}", Retryable: true)
        : new StepResult.Failed(ErrorCodes.StepConfigurationError, $"Unknown action '{action}'.", Retryable: false);

    private static JsonObject WithoutAction(JsonObject config)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in config)
        {
            if (key != "action")
                copy[key] = value?.DeepClone();
        }
        return copy;
    }
}
