using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Seed 002's action step: config.action picks one of a few built-in actions. send_email is the
/// <c>sendEmail</c> step type under its action name: the engine has no email transport of its own, so the action
/// exists where a host registers that type (the server does), and is refused at save time elsewhere. Any other
/// action names a step a steps service offers; that step runs remotely with the config minus <c>action</c>.</summary>
internal sealed class ActionStep(StepRegistry registry) : IStepHandler
{
    public string Type => "action";

    public static readonly IReadOnlyList<string> Actions = ["http_request", "log_message", "set_variable"];

    /// <summary>Actions that are a registered step type under another name; the step's config is the type's config.</summary>
    private static readonly IReadOnlyDictionary<string, string> StepTypeActions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["send_email"] = "sendEmail",
    };

    private static List<string> KnownActions(StepRegistry registry) =>
        [.. Actions, .. StepTypeActions.Where(a => registry.TryGet(a.Value, out _)).Select(a => a.Key)];

    private static string Known(StepRegistry registry) => string.Join(", ", KnownActions(registry));
    private static readonly IReadOnlyList<string> Levels = ["debug", "info", "warning", "error"];

    /// <summary>Logging and setting a variable only change the execution; every other action calls out.</summary>
    public bool IsPure(StepDefinition step) => StepJson.String(step.Config, "action") is "log_message" or "set_variable";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        return StepJson.String(config, "action") switch
        {
            "log_message" => Task.FromResult(LogMessage(context, config)),
            "set_variable" => Task.FromResult(SetVariable(context, config)),
            "http_request" => HttpStepRunner.RunAsync(context, config, cancellationToken),
            { } name when StepTypeActions.TryGetValue(name, out var type) && registry.TryGet(type, out var handler)
                => handler.ExecuteAsync(context, cancellationToken),
            { } other when registry.External is { } external => external.RunActionAsync(context, other, config, cancellationToken),
            var other => throw new StepConfigurationException($"Unknown action '{other}'; known: {Known(registry)}."),
        };
    }

    private static StepResult LogMessage(StepExecutionContext context, JsonObject config)
    {
        var message = config["message"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : config["message"]?.ToJsonString() ?? "";
        var level = (StepJson.String(config, "level") ?? "info").ToLowerInvariant();
        if (level == "warn")
            level = "warning";
        if (!Levels.Contains(level))
            throw new StepConfigurationException($"config.level '{level}' is not one of {string.Join(", ", Levels)}.");
        context.Log(level, message);
        return StepResult.Done(StepJson.Object(("message", message), ("level", level)));
    }

    private static StepResult SetVariable(StepExecutionContext context, JsonObject config)
    {
        var name = StepJson.String(config, "name") ?? StepJson.String(config, "variable")
            ?? throw new StepConfigurationException("set_variable needs config.name.");
        var writer = new VariableWriter(context.Data, context.Limits);
        writer.Set(name, config["value"]);
        var output = StepJson.Object(("name", name), ("value", config["value"]?.DeepClone()));
        return new StepResult.Completed(output, Variables: writer.Written);
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => Validate(step, registry);

    /// <summary>Also used for the inline items of a parallel step, which are action configs.</summary>
    internal static IEnumerable<StepConfigIssue> Validate(StepDefinition step, StepRegistry registry, string prefix = "config")
    {
        var config = step.Config;
        var action = StepJson.String(config, "action");
        if (action is null)
            return [new($"{prefix}.action", $"Required: one of {Known(registry)}.")];
        IEnumerable<StepConfigIssue> issues = action switch
        {
            "log_message" => ValidateLog(config),
            "set_variable" => StepJson.String(config, "name") is { Length: > 0 } || StepJson.String(config, "variable") is { Length: > 0 }
                ? []
                : [new("config.name", "Required: the variable to set.")],
            "http_request" => HttpStep.Validate(config),
            _ when StepTypeActions.TryGetValue(action, out var type) && registry.TryGet(type, out var handler) => handler.ValidateConfig(step),
            _ when registry.External is { } external => external.ValidateAction(action, config, "config", KnownActions(registry)),
            _ => [new("config.action", $"Unknown action '{action}'; known: {Known(registry)}.")],
        };
        return prefix == "config" ? issues : issues.Select(i => i with { Field = prefix + i.Field["config".Length..] });
    }

    private static IEnumerable<StepConfigIssue> ValidateLog(JsonObject config)
    {
        if (!config.ContainsKey("message"))
            yield return new("config.message", "Required: the text to log.");
        var level = config["level"];
        if (level is not null && !StepJson.IsTemplate(level)
            && (StepJson.String(config, "level") is not { } l || !Levels.Contains(l.ToLowerInvariant()) && !l.Equals("warn", StringComparison.OrdinalIgnoreCase)))
            yield return new("config.level", $"Must be one of {string.Join(", ", Levels)}.");
    }
}
