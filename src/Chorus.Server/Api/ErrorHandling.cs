using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Server.Api;

/// <summary>Every failure leaves as the error shape: expected ones with their code, unexpected ones as a bare
/// internal_error without a stack trace (the trace goes to the log with the request id).</summary>
internal static class ErrorHandling
{
    /// <summary>What a client is told to wait after a storage fault (Retry-After, seconds): long enough not to
    /// hammer a full disk, short enough to notice space coming back.</summary>
    public const string StorageRetryAfterSeconds = "5";

    public static void UseChorusErrors(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<IChorusStore>();
        var health = app.Services.GetRequiredService<ChorusEngine>().StorageHealth;
        app.Use(async (http, next) =>
        {
            http.Response.Headers["X-Request-ID"] = http.TraceIdentifier;
            try
            {
                await next(http);
            }
            catch (ChorusException ex) when (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await ApiErrors.WriteAsync(http, ex.Code, ex.Message, ex.Details);
            }
            catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
            {
                http.Response.Clear();
                var tooLarge = ex.StatusCode == StatusCodes.Status413PayloadTooLarge;
                await ApiErrors.WriteAsync(http, tooLarge ? ErrorCodes.PayloadTooLarge : ErrorCodes.InvalidInput,
                    tooLarge ? "The request body is too large." : "The request is malformed.");
            }
            // The engine's writes arrive translated; the API's direct reads and definition writes arrive as the
            // driver's error, which the store classifies.
            catch (Exception ex) when (!http.Response.HasStarted && StorageUnavailableException.Translate(store, ex) is StorageUnavailableException storage)
            {
                health.Report(storage.Fault);
                app.Logger.LogWarning("Request {RequestId} refused: {Reason} ({Cause})", http.TraceIdentifier, storage.Message, storage.InnerException?.Message);
                http.Response.Clear();
                http.Response.Headers.RetryAfter = StorageRetryAfterSeconds;
                await ApiErrors.WriteAsync(http, storage.Code, storage.Message);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception ex) when (!http.Response.HasStarted)
            {
                app.Logger.LogError(ex, "Unhandled error in request {RequestId}", http.TraceIdentifier);
                http.Response.Clear();
                await ApiErrors.WriteAsync(http, ErrorCodes.InternalError, "An unexpected error occurred; the request id identifies it in the server log.");
            }
        });
        // Routing answers unknown routes and wrong methods with empty bodies: give them the error shape too.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var (code, message) = http.Response.StatusCode switch
            {
                404 => (ErrorCodes.NotFound, $"No route matches {http.Request.Method} {http.Request.Path}."),
                405 => ("method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}."),
                415 => ("unsupported_media_type", "The request body must be JSON."),
                _ => (ErrorCodes.InvalidInput, "The request could not be processed."),
            };
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsJsonAsync(ApiErrors.Body(http, code, message, null));
        });
    }
}
