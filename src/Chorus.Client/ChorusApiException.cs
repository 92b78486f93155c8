using System.Net;
using System.Text.Json.Nodes;

namespace Chorus.Client;

/// <summary>The server refused a request: its error answer <c>{"error": {"code", "message", "details", "request_id"}}</c>.</summary>
public sealed class ChorusApiException : Exception
{
    /// <summary>Creates the exception of one error answer.</summary>
    public ChorusApiException(HttpStatusCode statusCode, string code, string message, JsonObject? details, string? requestId)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        Details = details;
        RequestId = requestId;
    }

    /// <summary>The HTTP status, e.g. 404.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The error code, e.g. <c>execution_not_found</c>, <c>unauthorized</c>; <c>http_&lt;status&gt;</c> when the
    /// answer had no Chorus error body.</summary>
    public string Code { get; }

    /// <summary>What the server adds to help, e.g. <c>{"errors": [...]}</c> of an invalid definition; may be null.</summary>
    public JsonObject? Details { get; }

    /// <summary>The id the server logged the request under (also its <c>X-Request-ID</c> header).</summary>
    public string? RequestId { get; }
}

/// <summary>No usable answer: the server could not be reached, did not answer in time, or answered with something
/// that is not a Chorus server's JSON.</summary>
public sealed class ChorusConnectionException : Exception
{
    /// <summary>Creates the exception with its reason.</summary>
    public ChorusConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
