using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>One HTTP call for the <c>http</c> step and the <c>http_request</c> action. Status codes map to
/// retryable or final failures so the engine's retry policy only repeats what another attempt can fix.</summary>
internal static class HttpStepRunner
{
    public const long MaxBodyBytes = 10 * 1024 * 1024;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly IReadOnlyList<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static async Task<StepResult> RunAsync(StepExecutionContext context, JsonObject config, CancellationToken cancellationToken)
    {
        var request = HttpStepRequest.Build(config, context.IdempotencyKey);
        var timeout = config.ContainsKey("timeout")
            ? StepDurations.TryParse(config["timeout"], out var t) ? t : throw new StepConfigurationException("config.timeout is not a duration.")
            : DefaultTimeout;
        var failOnStatus = StepJson.Bool(config, "fail_on_status") ?? true;

        using var timeoutCts = new CancellationTokenSource(timeout, context.Services.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            using var message = request.ToMessage();
            using var response = await context.Services.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await ReadBodyAsync(response, linked.Token).ConfigureAwait(false);
            if (body is null)
                return new StepResult.Failed("response_too_large", $"The response body is over {MaxBodyBytes} bytes.",
                    StepJson.Object(("status", (int)response.StatusCode)), Retryable: false);
            var output = StepJson.Object(("status", (int)response.StatusCode), ("headers", Headers(response)), ("body", Parse(response, body)));
            return failOnStatus && !response.IsSuccessStatusCode ? StatusFailure(request, response.StatusCode, output) : StepResult.Done(output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new StepResult.Failed("timeout", $"{request.Method} {request.Url} took longer than {timeout}.",
                StepJson.Object(("timeout_ms", timeout.TotalMilliseconds)), Retryable: true);
        }
        catch (HttpRequestException ex)
        {
            return new StepResult.Failed("http_error", $"{request.Method} {request.Url} failed: {ex.Message}",
                StepJson.Object(("status", null), ("error", ex.HttpRequestError.ToString())), Retryable: true);
        }
    }

    private static StepResult.Failed StatusFailure(HttpStepRequest request, HttpStatusCode status, JsonObject output)
    {
        var code = (int)status;
        // Server errors, timeouts and throttling may pass on their own; other 4xx mean the request is wrong.
        var retryable = code >= 500 || code is 408 or 429;
        return new StepResult.Failed("http_error", $"{request.Method} {request.Url} returned {code}.",
            StepJson.Object(("status", code), ("body", output["body"]?.DeepClone())), retryable);
    }

    /// <summary>Reads at most the cap; null means the body is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxBodyBytes)
            return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static JsonNode? Parse(HttpResponseMessage response, byte[] body)
    {
        if (body.Length == 0)
            return null;
        var charset = response.Content.Headers.ContentType?.CharSet;
        var encoding = charset is null ? Encoding.UTF8 : TryEncoding(charset);
        var text = encoding.GetString(body);
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
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

    private static JsonObject Headers(HttpResponseMessage response)
    {
        var headers = new JsonObject();
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> all = response.Headers.Concat(response.Content.Headers);
        foreach (var (name, values) in all)
            headers[name.ToLowerInvariant()] = values.FirstOrDefault();
        return headers;
    }
}
