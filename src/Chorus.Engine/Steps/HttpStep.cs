using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Outbound;

namespace Chorus.Engine.Steps;

/// <summary>Calls an HTTP endpoint [001]: {method, url, headers, body, query, timeout, fail_on_status}.
/// Output {status, headers, body}; the idempotency key travels as the Idempotency-Key header.</summary>
internal sealed class HttpStep : IStepHandler
{
    public string Type => "http";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
        HttpStepRunner.RunAsync(context, context.Config, cancellationToken);

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => Validate(step.Config);

    /// <summary>Shared with the http_request action, whose config has the same fields.</summary>
    internal static IEnumerable<StepConfigIssue> Validate(JsonObject config)
    {
        var url = config["url"];
        if (url is null)
            yield return new("config.url", "Required: an absolute http or https URL.");
        else if (!StepJson.IsTemplate(url) && !HttpStepRequest.TryUrl(StepJson.String(config, "url"), out _))
            yield return new("config.url", "Must be an absolute http or https URL.");

        var method = config["method"];
        if (method is not null && !StepJson.IsTemplate(method)
            && (StepJson.String(config, "method") is not { } m || !HttpStepRunner.Methods.Contains(m.ToUpperInvariant())))
            yield return new("config.method", $"Must be one of {string.Join(", ", HttpStepRunner.Methods)}.");

        foreach (var field in new[] { "headers", "query" })
        {
            if (config[field] is not null and not JsonObject && !StepJson.IsTemplate(config[field]))
                yield return new($"config.{field}", "Must be an object of name: value.");
        }
        if (config["headers"] is JsonObject headers)
            foreach (var name in headers.Select(p => p.Key).Where(OutboundRequest.ForbiddenHeaders.Contains))
                yield return new($"config.headers.{name}", HttpStepRequest.ForbiddenHeaderMessage(name));

        var timeout = config["timeout"];
        if (timeout is not null && !StepJson.IsTemplate(timeout) && !StepDurations.TryParse(timeout, out _))
            yield return new("config.timeout", "Must be seconds or a duration such as \"30s\" or \"PT1M\".");

        if (config["fail_on_status"] is { } fail && StepJson.Bool(config, "fail_on_status") is null && !StepJson.IsTemplate(fail))
            yield return new("config.fail_on_status", "Must be true or false.");
    }
}
