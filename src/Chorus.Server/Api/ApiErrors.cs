using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Api;

/// <summary>The one writer of the error shape <c>{"error": {"code", "message", "details", "request_id"}}</c>.</summary>
internal static class ApiErrors
{
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.WorkflowNotFound or ErrorCodes.ExecutionNotFound or ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.InvalidWorkflowDefinition or ErrorCodes.InvalidInput or ErrorCodes.StepConfigurationError => StatusCodes.Status400BadRequest,
        ErrorCodes.Conflict => StatusCodes.Status409Conflict,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.PermissionDenied or ErrorCodes.TierRestriction => StatusCodes.Status403Forbidden,
        ErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCodes.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCodes.Timeout => StatusCodes.Status504GatewayTimeout,
        ErrorCodes.StorageFull or ErrorCodes.StorageUnavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.WorkflowExecutionError => StatusCodes.Status422UnprocessableEntity,
        "method_not_allowed" => StatusCodes.Status405MethodNotAllowed,
        "unsupported_media_type" => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static JsonObject Body(HttpContext http, string code, string message, JsonObject? details) =>
        Body(http.TraceIdentifier, code, message, details);

    /// <summary>The shape with a request id of the caller's choosing: a WebSocket message has no request of its own.</summary>
    public static JsonObject Body(string requestId, string code, string message, JsonObject? details) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["details"] = details?.DeepClone() ?? new JsonObject(),
            ["request_id"] = requestId,
        },
    };

    public static IResult Result(HttpContext http, string code, string message, JsonObject? details = null) =>
        TypedResults.Json(Body(http, code, message, details), statusCode: StatusOf(code));

    public static IResult From(HttpContext http, ChorusException ex) => Result(http, ex.Code, ex.Message, ex.Details);

    public static Task WriteAsync(HttpContext http, string code, string message, JsonObject? details = null)
    {
        http.Response.StatusCode = StatusOf(code);
        // The error middleware clears the response, and with it the header it set before calling the endpoint.
        http.Response.Headers["X-Request-ID"] = http.TraceIdentifier;
        return http.Response.WriteAsJsonAsync(Body(http, code, message, details));
    }
}
