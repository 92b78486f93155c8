using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Steps;

/// <summary>An answer ready to send: its status and JSON body. <paramref name="Remembered"/> says whether it may be
/// replayed for the same Idempotency-Key (outputs and non-retryable refusals; never a retryable failure).</summary>
internal sealed record StepAnswer(int Status, byte[] Body, bool Remembered)
{
    // Contexts arrive up to 512 levels deep and outputs may carry them; the envelope adds a few. The bodies are
    // JSON read by programs, never HTML: quotes and apostrophes stay readable instead of \u0022.
    internal static readonly JsonSerializerOptions Json = new() { MaxDepth = 1024, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static StepAnswer Output(JsonNode? output)
    {
        // A handler may hand back a node of its request (request.Config["x"]), which already has a parent.
        var node = output?.Parent is null ? output : output.DeepClone();
        return new StepAnswer(200, Encode(new JsonObject { ["output"] = node }), Remembered: true);
    }

    public static StepAnswer Error(int status, string code, string message, bool retryable, string requestId, JsonObject? details = null) =>
        new(status, Encode(ErrorBody(code, message, retryable, requestId, details)), Remembered: !retryable);

    /// <summary>The protocol's error shape, with the request id that finds the call in the service's log.</summary>
    public static JsonObject ErrorBody(string code, string message, bool retryable, string requestId, JsonObject? details) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["retryable"] = retryable,
            ["details"] = details?.DeepClone() ?? new JsonObject(),
            ["request_id"] = requestId,
        },
    };

    public static byte[] Encode(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString(Json));
}
