namespace Chorus.Engine;

/// <summary>A step would break one of the <see cref="ExecutionLimits"/>: the step fails with <see cref="Code"/>
/// (json_too_deep, array_index_too_large, context_too_large, ...). Thrown where the value is being built, so the
/// oversized value never exists; not retried, as the same definition and context would break it again.</summary>
internal sealed class LimitExceededException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
