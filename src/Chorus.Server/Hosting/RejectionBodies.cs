using System.Text;
using Chorus.Engine;
using Chorus.Server.Api;

namespace Chorus.Server.Hosting;

/// <summary>The error shape for each status Kestrel answers a refused request with.</summary>
internal static class RejectionBodies
{
    public sealed record Rejection(int Status, string RequestId, byte[] Body);

    public static Rejection For(int status, string requestId)
    {
        var (code, message) = status switch
        {
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.PayloadTooLarge, "The request body is too large."),
            StatusCodes.Status414UriTooLong => (ErrorCodes.InvalidInput, "The request target is too long."),
            StatusCodes.Status431RequestHeaderFieldsTooLarge => (ErrorCodes.InvalidInput, "The request headers are too large."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", "The request method is not allowed."),
            StatusCodes.Status408RequestTimeout => (ErrorCodes.Timeout, "The request was not received in time."),
            StatusCodes.Status411LengthRequired => (ErrorCodes.InvalidInput, "The request needs a Content-Length."),
            StatusCodes.Status505HttpVersionNotsupported => (ErrorCodes.InvalidInput, "The HTTP version is not supported."),
            _ => (ErrorCodes.InvalidInput, "The request is malformed (request line, target or headers)."),
        };
        var body = ApiErrors.Body(requestId, code, message, null).ToJsonString();
        return new Rejection(status, requestId, Encoding.UTF8.GetBytes(body));
    }
}
