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
    public const string InternalError = "internal_error";

    // Limits that keep one definition from harming the server (ExecutionLimits).
    public const string SubflowDepthExceeded = "subflow_depth_exceeded";
    public const string SubflowCycle = "subflow_cycle";
    public const string SubflowWorkflowUnavailable = "subflow_workflow_unavailable";
    public const string StepOutputTooLarge = "step_output_too_large";
    public const string ContextTooLarge = "context_too_large";
    public const string JsonTooDeep = "json_too_deep";
    public const string ArrayIndexTooLarge = "array_index_too_large";
    public const string LoopBudgetExceeded = "loop_budget_exceeded";

    // Outbound HTTP policy.
    public const string HttpTargetRefused = "http_target_refused";
    public const string HttpResponseTooLarge = "http_response_too_large";
    public const string TooManyRedirects = "too_many_redirects";

    // The store cannot write (disk full, read-only): 503 with Retry-After.
    public const string StorageFull = "storage_full";
    public const string StorageUnavailable = "storage_unavailable";
}
