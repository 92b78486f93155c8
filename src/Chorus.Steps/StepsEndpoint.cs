using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Steps;

/// <summary><c>POST /steps/{name}</c>: read and check the call, then run the handler once per Idempotency-Key.</summary>
internal sealed class StepsEndpoint(StepCatalog catalog, StepInvoker invoker, IdempotencyCache cache, IOptions<ChorusStepsOptions> options,
    ILogger<StepsEndpoint> logger)
{
    private readonly ChorusStepsOptions _options = Validated(options.Value);

    public async Task RunAsync(HttpContext http, string name)
    {
        try
        {
            var step = catalog.Find(name) ?? throw new RefusedCall(404, "step_not_found",
                $"This service has no step named '{Shorten(name)}'; GET /steps lists them.", new JsonObject { ["step"] = Shorten(name) });
            var request = await StepCallReader.ReadAsync(http, _options.MaxBodyBytes).ConfigureAwait(false);
            if (step.Config.Check(request.Config) is { Count: > 0 } errors)
                throw ConfigRefused(name, errors);
            var (answer, replayed) = request.IdempotencyKey is { } key
                ? await cache.RunOnceAsync(KeyOf(name, request, key), gone => invoker.RunAsync(step, request, http.TraceIdentifier, gone), http.RequestAborted)
                    .ConfigureAwait(false)
                : (await invoker.RunAsync(step, request, http.TraceIdentifier, http.RequestAborted).ConfigureAwait(false), false);
            if (replayed)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                logger.LogInformation("Step {Step} answered {IdempotencyKey} from its first run", name, request.IdempotencyKey);
            }
            await WriteAsync(http, answer.Status, answer.Body).ConfigureAwait(false);
        }
        catch (RefusedCall refused)
        {
            await RefuseAsync(http, refused).ConfigureAwait(false);
        }
        catch (Exception ex) when (http.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The caller went away: nobody to answer.
        }
    }

    public static Task RefuseAsync(HttpContext http, RefusedCall refused) =>
        WriteAsync(http, refused.Status, StepAnswer.Encode(StepAnswer.ErrorBody(refused.Code, refused.Message, retryable: false,
            http.TraceIdentifier, refused.Details)));

    public static async Task WriteAsync(HttpContext http, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = body.Length;
        http.Response.Headers["X-Request-ID"] = http.TraceIdentifier;
        await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
    }

    // Scoped by tenant and step, so that two services' keys (or a key reused by mistake on another step) never meet.
    private static string KeyOf(string step, StepRequest request, string key) => $"{request.Tenant}\n{step}\n{key}";

    private static RefusedCall ConfigRefused(string step, IReadOnlyList<(string Path, string Message)> errors) =>
        new(400, "step_configuration_error", $"The config of step '{step}' does not match its schema: {errors[0].Path}: {errors[0].Message}",
            new JsonObject
            {
                ["path"] = errors[0].Path,
                ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["message"] = e.Message })]),
            });

    private static string Shorten(string text) => text.Length > 64 ? text[..64] + "..." : text;

    private static ChorusStepsOptions Validated(ChorusStepsOptions options)
    {
        options.Validate();
        return options;
    }
}
