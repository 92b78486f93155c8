using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>Step types offered outside this process (by steps services). The registry asks it about the names it does
/// not run itself; an interface here, so that the steps layer does not depend on how those steps are reached.</summary>
internal interface IExternalSteps
{
    /// <summary>A handler that runs <paramref name="type"/> where it is offered, or null when nothing offers it.
    /// <paramref name="refresh"/>: a name not offered yet may be read again from the services.</summary>
    IStepHandler? Find(string type, StepRegistry registry, bool refresh);

    /// <summary>Whether an action name (<c>{"action": "process_data_1"}</c>) is offered, reading the services again if not.</summary>
    bool OffersAction(string action);

    /// <summary>Runs an action step whose action is an offered step, with the config minus <c>action</c>.</summary>
    Task<StepResult> RunActionAsync(StepExecutionContext context, string action, JsonObject config, CancellationToken ct);

    /// <summary>The save-time check of such an action's config, or why the action is unknown.</summary>
    IEnumerable<StepConfigIssue> ValidateAction(string action, JsonObject config, string prefix, IReadOnlyList<string> builtIn);

    /// <summary>Whether some service could not be read: an unknown name may then be offered once it is back.</summary>
    bool AnyUnreachable { get; }

    /// <summary>What each service offers or why it cannot be asked, for messages about an unknown name.</summary>
    string DescribeServices();

    /// <summary>The offered steps, one per name, as an editor lists them.</summary>
    IEnumerable<StepDescription> Describe();
}
