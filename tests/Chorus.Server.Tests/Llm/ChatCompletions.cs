using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Reply = Chorus.Server.Tests.Infrastructure.ScriptedHttpServer.Reply;

namespace Chorus.Server.Tests.Llm;

/// <summary>Replies in OpenAI's chat-completions protocol, for a <see cref="ScriptedHttpServer"/> standing in for a
/// model's endpoint: a completion, an error with its JSON shape and headers, or a completion streamed as server-sent events.</summary>
internal static class ChatCompletions
{
    /// <summary>A completion with <paramref name="content"/> and a usage block.</summary>
    public static Reply Completion(string content, int promptTokens = 12, int completionTokens = 5, string model = "fake-model") => new(200, new JsonObject
    {
        ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
    }.ToJsonString());

    /// <summary>An error in the API's shape: <c>{"error": {"message", "type", "code"}}</c>.</summary>
    public static Reply Error(int status, string message, string type, IReadOnlyDictionary<string, string>? headers = null) => new(status, new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = type },
    }.ToJsonString(), Headers: headers);

    /// <summary>A completion streamed as server-sent events, chunk by chunk, ending with <c>data: [DONE]</c>.</summary>
    public static Reply Streamed(params string[] chunks)
    {
        var body = new StringBuilder();
        foreach (var chunk in chunks)
            body.Append("data: ").Append(new JsonObject
            {
                ["id"] = "chatcmpl-stream", ["object"] = "chat.completion.chunk", ["model"] = "fake-model",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = chunk }, ["finish_reason"] = null }),
            }.ToJsonString()).Append("\n\n");
        body.Append("data: [DONE]\n\n");
        return new Reply(200, body.ToString(), "text/event-stream");
    }

}
