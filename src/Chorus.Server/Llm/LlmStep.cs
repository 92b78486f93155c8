using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Chorus.Server.Llm;

/// <summary>The <c>llm</c> step: one chat completion from an OpenAI-compatible endpoint through Microsoft.Extensions.AI.
/// Output <c>{text, json?, model, finish_reason, usage: {input_tokens, output_tokens, total_tokens}}</c>; with a
/// <c>response_schema</c> the answer must be JSON matching it before it becomes the output. The endpoint's 429 and 5xx
/// answers are tried again within the attempt, after the Retry-After it asks for; the tokens used count against the
/// tenant's daily budget.</summary>
internal sealed class LlmStep(LlmSettings server, ILlmTokenUsageStore usage, HttpClient serverHttp) : IStepHandler
{
    public const string StepType = "llm";

    /// <summary>Tries within one attempt after a 429 or 5xx; then the step's own retry policy takes over.</summary>
    private const int RetriesWithinAttempt = 2;

    public string Type => StepType;


    public StepDescription Describe() => LlmStepDescription.Value;

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => LlmStepConfig.Validate(step.Config);

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var llm = LlmStepConfig.Read(context.Config, server);
        var today = DateOnly.FromDateTime(context.Services.Time.GetUtcNow().UtcDateTime);
        if (server.DailyTokenBudget is { } budget && await usage.LlmTokensUsedAsync(context.Tenant, today, cancellationToken).ConfigureAwait(false) >= budget)
            return new StepResult.Failed("llm_budget_exceeded",
                $"The tenant has used its {budget:N0} language-model tokens for today (UTC); llm steps run again tomorrow.", Retryable: false);

        ChatResponse response;
        try
        {
            response = await ClientFor(llm, context).GetResponseAsync(Messages(llm), Options(llm), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(ex, llm, cancellationToken) is { } failed)
        {
            context.Log("warning", $"llm call to {llm.BaseUrl} ({llm.Model}) failed: {failed.Message}");
            return failed;
        }

        var used = response.Usage?.TotalTokenCount ?? (response.Usage?.InputTokenCount ?? 0) + (response.Usage?.OutputTokenCount ?? 0);
        if (used > 0)
            await usage.AddLlmTokensAsync(context.Tenant, today, used, CancellationToken.None).ConfigureAwait(false);
        var output = new JsonObject
        {
            ["text"] = response.Text,
            ["model"] = response.ModelId ?? llm.Model,
            ["finish_reason"] = response.FinishReason?.Value,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = response.Usage?.InputTokenCount,
                ["output_tokens"] = response.Usage?.OutputTokenCount,
                ["total_tokens"] = used,
            },
        };
        context.Log("info", $"llm {output["model"]} answered with {used} tokens ({response.FinishReason?.Value ?? "no finish reason"})");
        if (llm.ResponseSchema is not { } schema)
            return StepResult.Done(output);
        if (StructuredAnswer(response.Text, schema) is { } problem)
            return new StepResult.Failed("llm_invalid_output", problem, new JsonObject { ["text"] = Shortened(response.Text) });
        output["json"] = JsonNode.Parse(response.Text);
        return StepResult.Done(output);
    }

    private IChatClient ClientFor(LlmStepConfig llm, StepExecutionContext context)
    {
        // A step's own endpoint is reached under the outbound policy, as its http steps are; the server's is the operator's.
        var http = llm.StepEndpoint ? context.Services.Http.Client : serverHttp;
        var options = new OpenAIClientOptions
        {
            Endpoint = llm.BaseUrl,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(RetriesWithinAttempt),
            NetworkTimeout = LlmStepConfig.DefaultTimeout,
        };
        // An endpoint without keys (a local model server) still needs a credential object.
        var credential = new ApiKeyCredential(llm.ApiKey is { Length: > 0 } key ? key : "none");
        return new OpenAI.Chat.ChatClient(llm.Model, credential, options).AsIChatClient();
    }

    private static List<ChatMessage> Messages(LlmStepConfig llm)
    {
        var messages = new List<ChatMessage>();
        if (llm.System is { Length: > 0 } system)
            messages.Add(new ChatMessage(ChatRole.System, system));
        messages.Add(new ChatMessage(ChatRole.User, llm.Prompt));
        return messages;
    }

    private static ChatOptions Options(LlmStepConfig llm) => new()
    {
        Temperature = llm.Temperature,
        MaxOutputTokens = llm.MaxTokens,
        ResponseFormat = llm.ResponseSchema is { } schema
            ? ChatResponseFormat.ForJsonSchema(JsonSerializer.Deserialize<JsonElement>(schema.ToJsonString()), "output")
            : null,
    };

    /// <summary>Null when the text is JSON that matches the schema, else why not.</summary>
    private static string? StructuredAnswer(string text, JsonObject schema)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return "The model's answer is not JSON, though config.response_schema asks for it.";
        }
        var violations = JsonSchemas.Violations(schema, json);
        return violations.Count == 0 ? null : "The model's answer does not match config.response_schema: " + string.Join("; ", violations.Take(5));
    }

    private static string Shortened(string text) => text.Length > 2_000 ? text[..2_000] + "…" : text;

    /// <summary>The step's failure for an exception of the call; null for the caller's own cancellation.</summary>
    private static StepResult.Failed? Failure(Exception ex, LlmStepConfig llm, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return null;
        if (OutboundHttp.RefusalIn(ex) is { } refused)
            return new StepResult.Failed(refused.Code, refused.Message, Retryable: false);
        return ex switch
        {
            ClientResultException { Status: 401 or 403 } e => new("llm_unauthorized", $"{llm.BaseUrl} refused the credential ({e.Status}).", Retryable: false),
            ClientResultException { Status: 429 } e => new("llm_rate_limited", $"{llm.BaseUrl} is limiting requests (429) after {RetriesWithinAttempt} retries: {Brief(e)}"),
            ClientResultException { Status: >= 500 } e => new("llm_unavailable", $"{llm.BaseUrl} answered {e.Status}: {Brief(e)}"),
            ClientResultException { Status: >= 400 } e => new("llm_request_refused", $"{llm.BaseUrl} refused the request ({e.Status}): {Brief(e)}", Retryable: false),
            ClientResultException e => new("llm_unavailable", $"{llm.BaseUrl} could not be reached: {Brief(e)}"),
            TaskCanceledException or TimeoutException => new("llm_timeout", $"{llm.BaseUrl} did not answer within {LlmStepConfig.DefaultTimeout.TotalSeconds:0} s."),
            HttpRequestException e => new("llm_unavailable", $"{llm.BaseUrl} could not be reached: {e.Message}"),
            // A proxy's error page, a streamed answer nobody asked for: not a chat completion.
            JsonException or FormatException or InvalidOperationException or ArgumentException =>
                new("llm_invalid_response", $"{llm.BaseUrl} did not answer with a chat completion: {Brief(ex)}"),
            _ => null,
        };
    }

    private static string Brief(Exception e) => e.Message.Length > 500 ? e.Message[..500] + "…" : e.Message;
}
