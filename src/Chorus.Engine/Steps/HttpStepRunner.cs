using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;

namespace Chorus.Engine.Steps;

/// <summary>One HTTP call for the <c>http</c> step and the <c>http_request</c> action, through the engine's
/// outbound HTTP policy. Status codes map to retryable or final failures so the engine's retry policy only
/// repeats what another attempt can fix; what the policy refuses is final.</summary>
internal static class HttpStepRunner
{
    public static readonly IReadOnlyList<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static async Task<StepResult> RunAsync(StepExecutionContext context, JsonObject config, CancellationToken cancellationToken)
    {
        var http = context.Services.Http;
        var request = HttpStepRequest.Build(config, context.IdempotencyKey);
        var timeout = config.ContainsKey("timeout")
            ? StepDurations.TryParse(config["timeout"], out var t) ? t : throw new StepConfigurationException("config.timeout is not a duration.")
            : http.Options.Timeout;
        var failOnStatus = StepJson.Bool(config, "fail_on_status") ?? true;

        using var timeoutCts = new CancellationTokenSource(timeout, context.Services.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            var response = await http.SendAsync(request, linked.Token).ConfigureAwait(false);
            var output = StepJson.Object(("status", response.Status), ("headers", Headers(response)), ("body", Parse(response)));
            return failOnStatus && response.Status is < 200 or > 299 ? StatusFailure(request, response.Status, output) : StepResult.Done(output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new StepResult.Failed("timeout", $"{request.Method} {request.Url} took longer than {timeout}.",
                StepJson.Object(("timeout_ms", timeout.TotalMilliseconds)), Retryable: true);
        }
        catch (OutboundHttpException ex)
        {
            return new StepResult.Failed(ex.Code, ex.Message, StepJson.Object(("status", ex.Status)), ex.Retryable);
        }
    }

    private static StepResult.Failed StatusFailure(OutboundRequest request, int code, JsonObject output)
    {
        // Server errors, timeouts and throttling may pass on their own; other 4xx mean the request is wrong.
        var retryable = code >= 500 || code is 408 or 429;
        return new StepResult.Failed("http_error", $"{request.Method} {request.Url} returned {code}.",
            StepJson.Object(("status", code), ("body", output["body"]?.DeepClone())), retryable);
    }

    private static JsonNode? Parse(OutboundResponse response)
    {
        if (response.Body.Length == 0)
            return null;
        var encoding = response.CharSet is { } charset ? TryEncoding(charset) : Encoding.UTF8;
        var text = encoding.GetString(response.Body);
        var media = response.MediaType ?? "";
        if (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // A server that labels text as JSON still gave an answer; keep it readable rather than fail.
            }
        }
        return JsonValue.Create(text);
    }

    private static Encoding TryEncoding(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    private static JsonObject Headers(OutboundResponse response)
    {
        var headers = new JsonObject();
        foreach (var (name, value) in response.Headers)
            headers[name] = value;
        return headers;
    }
}
