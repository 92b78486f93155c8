using Chorus.Engine.Hosting;
using Chorus.Engine.Storage;

namespace Chorus.Server.Llm;

/// <summary>The <c>llm</c> step for a Chorus server: its endpoint defaults from LLM_*, its token count in the store.</summary>
public static class LlmRegistration
{
    /// <summary>Adds the <c>llm</c> step type. Workflows using it save even without LLM_BASE_URL (a step may name its
    /// own endpoint); a step with none fails without retries, saying so.</summary>
    public static ChorusBuilder AddLlm(this ChorusBuilder chorus, LlmSettings settings, ILlmTokenUsageStore usage)
    {
        // The server's own endpoint is the operator's choice, reached without the outbound policy, like SMTP_HOST.
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return chorus.ConfigureSteps(steps => steps.Register(new LlmStep(settings, usage, http)));
    }
}
