using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Pauses the execution [002]: {duration}, {until: ISO time} or {event: name}, optionally with seed
/// 002's wait_type naming the form. The engine turns the result into a timer or a signal wait, so nothing
/// sleeps here.</summary>
internal sealed class WaitStep : IStepHandler
{
    public string Type => "wait";

    private static readonly string[] Forms = ["duration", "until", "event"];

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var form = FormOf(config, out var problem) ?? throw new StepConfigurationException(problem!);
        StepResult result;
        switch (form)
        {
            case "duration":
                if (!StepDurations.TryParse(config["duration"], out var duration))
                    throw new StepConfigurationException($"config.duration '{config["duration"]?.ToJsonString()}' is not a duration.");
                if (duration > DurationLimits.MaxWait)
                    throw new StepConfigurationException($"config.duration may be at most {DurationLimits.Describe(DurationLimits.MaxWait)}.");
                result = Until(context, context.Services.Time.GetUtcNow() + duration);
                break;
            case "until":
                if (!TryTime(config["until"], out var at))
                    throw new StepConfigurationException($"config.until '{config["until"]?.ToJsonString()}' is not an ISO 8601 time.");
                if (at - context.Services.Time.GetUtcNow() > DurationLimits.MaxWait)
                    throw new StepConfigurationException($"config.until may be at most {DurationLimits.Describe(DurationLimits.MaxWait)} ahead.");
                result = Until(context, at);
                break;
            default:
                var name = StepJson.String(config, "event");
                if (string.IsNullOrWhiteSpace(name))
                    throw new StepConfigurationException("config.event must name the event to wait for.");
                result = new StepResult.WaitForSignal(name, SignalKind.Event);
                break;
        }
        return Task.FromResult(result);
    }

    /// <summary>A time already past (e.g. a rendered deadline) completes at once instead of scheduling.</summary>
    private static StepResult Until(StepExecutionContext context, DateTimeOffset dueAt)
    {
        var output = StepJson.Object(("due_at", dueAt.ToString("O", CultureInfo.InvariantCulture)));
        return dueAt <= context.Services.Time.GetUtcNow()
            ? StepResult.Done(output)
            : new StepResult.WaitUntil(dueAt, output);
    }

    private static bool TryTime(JsonNode? node, out DateTimeOffset time)
    {
        time = default;
        return node is JsonValue v && v.TryGetValue<string>(out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>The form given by wait_type, or else the one form key present; exactly one is allowed.</summary>
    private static string? FormOf(JsonObject config, out string? problem)
    {
        problem = null;
        var present = Forms.Where(config.ContainsKey).ToList();
        if (config.ContainsKey("wait_type"))
        {
            var type = StepJson.String(config, "wait_type");
            if (type is null || !Forms.Contains(type))
                problem = $"config.wait_type must be one of: {string.Join(", ", Forms)}.";
            else if (!config.ContainsKey(type))
                problem = $"config.{type} is required when wait_type is \"{type}\".";
            else if (present.Count > 1)
                problem = $"Give only one of {string.Join(", ", Forms)}.";
            return problem is null ? type : null;
        }
        if (present.Count != 1)
            problem = "Give exactly one of config.duration, config.until or config.event.";
        return problem is null ? present[0] : null;
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        var form = FormOf(config, out var problem);
        if (form is null)
        {
            var field = config.ContainsKey("wait_type") ? "config.wait_type" : "config";
            yield return new(problem!.StartsWith("config.", StringComparison.Ordinal) ? problem.Split(' ')[0] : field, problem);
            yield break;
        }
        var value = config[form];
        if (StepJson.IsTemplate(value))
            yield break;
        if (form == "duration" && !StepDurations.TryParse(value, out _))
            yield return new("config.duration", "Must be seconds or a duration such as \"30s\", \"5m\" or \"PT1H\".");
        else if (form == "duration" && StepDurations.TryParse(value, out var duration) && duration > DurationLimits.MaxWait)
            yield return new("config.duration", $"May be at most {DurationLimits.Describe(DurationLimits.MaxWait)}.");
        if (form == "until" && !TryTime(value, out _))
            yield return new("config.until", "Must be an ISO 8601 time such as \"2030-01-01T00:00:00Z\".");
        if (form == "event" && StepJson.String(config, "event") is not { Length: > 0 })
            yield return new("config.event", "Must name the event to wait for.");
    }
}
