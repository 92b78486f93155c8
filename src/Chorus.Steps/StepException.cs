using System.Text.Json.Nodes;

namespace Chorus.Steps;

/// <summary>A step's own, structured refusal: answered with <paramref name="status"/> (422 by default) and
/// <c>{"error": {"code", "message", "retryable", "details"}}</c>. A non-retryable refusal is remembered under the
/// call's Idempotency-Key like an output; a retryable one is not, so a redelivery runs the handler again.</summary>
/// <param name="code">A stable snake_case code the workflow can branch on, e.g. <c>user_not_found</c>.</param>
/// <param name="message">What went wrong, for people.</param>
/// <param name="retryable">Whether the engine may try the same call again.</param>
/// <param name="details">Optional facts for machines (the offending id, a limit...).</param>
/// <param name="status">The HTTP status, 400-599 (422 by default).</param>
public sealed class StepException(string code, string message, bool retryable = false, JsonObject? details = null, int status = 422)
    : Exception(message)
{
    /// <summary>The error code.</summary>
    public string Code { get; } = string.IsNullOrWhiteSpace(code) ? throw new ArgumentException("A step error needs a code.", nameof(code)) : code;

    /// <summary>Whether the engine may try again.</summary>
    public bool Retryable { get; } = retryable;

    /// <summary>Facts for machines; never null.</summary>
    public JsonObject Details { get; } = details ?? [];

    /// <summary>The HTTP status the refusal is answered with.</summary>
    public int Status { get; } = status is >= 400 and <= 599 ? status
        : throw new ArgumentOutOfRangeException(nameof(status), status, "A step error's status must be from 400 to 599.");
}
