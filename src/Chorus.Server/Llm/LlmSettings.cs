using System.Globalization;

namespace Chorus.Server.Llm;

/// <summary>The server's language model, which <c>llm</c> steps use unless they name their own: an OpenAI-compatible
/// chat-completions endpoint. ToString never shows the key.</summary>
public sealed record LlmSettings
{
    /// <summary>LLM_BASE_URL: the endpoint's base, e.g. <c>https://api.openai.com/v1</c>; null when the server has none.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>LLM_MODEL: the model a step uses unless it names one.</summary>
    public string? Model { get; init; }

    /// <summary>LLM_API_KEY.</summary>
    public string? ApiKey { get; init; }

    /// <summary>LLM_DAILY_TOKEN_BUDGET: tokens one tenant's llm steps may use per UTC day; null for no budget.</summary>
    public long? DailyTokenBudget { get; init; }

    public override string ToString() => $"llm {BaseUrl} model={Model}{(ApiKey is { Length: > 0 } ? " key=***" : "")}";

    /// <summary>Reads the LLM_* variables; a malformed one stops the server with a line naming it.</summary>
    public static LlmSettings FromEnvironment(Func<string, string?> read)
    {
        Uri? baseUrl = null;
        if (read("LLM_BASE_URL") is { Length: > 0 } url)
            baseUrl = Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed
                : throw new Hosting.OptionsException($"LLM_BASE_URL: must be an http or https URL, not '{url}'.");
        long? budget = null;
        if (read("LLM_DAILY_TOKEN_BUDGET") is { Length: > 0 } text)
            budget = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) && tokens >= 0
                ? (tokens == 0 ? null : tokens)
                : throw new Hosting.OptionsException($"LLM_DAILY_TOKEN_BUDGET: must be a whole number of tokens (0 for none), not '{text}'.");
        return new LlmSettings
        {
            BaseUrl = baseUrl,
            Model = read("LLM_MODEL") is { Length: > 0 } model ? model : null,
            ApiKey = read("LLM_API_KEY") is { Length: > 0 } key ? key : null,
            DailyTokenBudget = budget,
        };
    }
}
