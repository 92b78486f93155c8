namespace Chorus.Steps;

/// <summary>How the steps endpoints behave; every setting has a default fit for a service the engine calls.</summary>
public sealed class ChorusStepsOptions
{
    /// <summary>The largest request body accepted, in bytes (16 MiB: the engine lets an execution context grow to 8 MiB
    /// by default, and the call carries the context and the rendered config); a larger one is answered 413
    /// <c>payload_too_large</c>.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How many answers are remembered by Idempotency-Key (10,000); the oldest are forgotten first.</summary>
    public int IdempotencyCacheSize { get; set; } = 10_000;

    /// <summary>How long an answer is remembered by Idempotency-Key (10 minutes): longer than the engine's retries
    /// of one attempt take.</summary>
    public TimeSpan IdempotencyCacheAge { get; set; } = TimeSpan.FromMinutes(10);

    internal void Validate()
    {
        if (MaxBodyBytes < 1024)
            throw new InvalidOperationException($"ChorusStepsOptions.MaxBodyBytes must be at least 1024, not {MaxBodyBytes}.");
        if (IdempotencyCacheSize < 0)
            throw new InvalidOperationException($"ChorusStepsOptions.IdempotencyCacheSize must not be negative, not {IdempotencyCacheSize}.");
        if (IdempotencyCacheAge < TimeSpan.Zero)
            throw new InvalidOperationException($"ChorusStepsOptions.IdempotencyCacheAge must not be negative, not {IdempotencyCacheAge}.");
    }
}
