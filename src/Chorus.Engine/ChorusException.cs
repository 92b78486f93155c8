using System.Text.Json.Nodes;

namespace Chorus.Engine;

/// <summary>An expected failure of a request, carried to the API's error shape
/// <c>{"error": {"code", "message", "details", "request_id"}}</c>.</summary>
public sealed class ChorusException(string code, string message, JsonObject? details = null) : Exception(message)
{
    public string Code { get; } = code;
    public JsonObject? Details { get; } = details;
}

/// <summary>The error codes of SPEC §5.</summary>
public static class ErrorCodes
{
    public const string WorkflowNotFound = "workflow_not_found";
    public const string ExecutionNotFound = "execution_not_found";
    public const string InvalidWorkflowDefinition = "invalid_workflow_definition";
    public const string WorkflowExecutionError = "workflow_execution_error";
    public const string StepConfigurationError = "step_configuration_error";
    public const string InvalidInput = "invalid_input";
    public const string Timeout = "timeout";
    public const string PermissionDenied = "permission_denied";
    public const string TierRestriction = "tier_restriction";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string RateLimited = "rate_limited";
    public const string PayloadTooLarge = "payload_too_large";
}
