using System.Text.Json.Nodes;

namespace Chorus.StepsService.Tests.Infrastructure;

/// <summary>A service's answer: status, parsed body, and the replay header.</summary>
internal sealed record Answer(int Status, JsonNode? Body, string Text, bool Replayed)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var media = response.Content.Headers.ContentType?.MediaType;
        Assert.True(media == "application/json", $"Expected a JSON answer, got '{media}' with status {(int)response.StatusCode}: {text}");
        return new Answer((int)response.StatusCode, JsonNode.Parse(text), text,
            response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true"));
    }

    /// <summary>The output of a 200 answer (asserting the envelope has exactly one member, "output").</summary>
    public JsonNode? Output
    {
        get
        {
            Assert.True(Status == 200, $"Expected 200, got {Status}: {Text}");
            var body = Assert.IsType<JsonObject>(Body);
            Assert.Equal(["output"], body.Select(p => p.Key));
            return body["output"];
        }
    }

    public JsonObject OutputObject => Assert.IsType<JsonObject>(Output);

    /// <summary>Asserts the protocol's error shape with this status, code and retryability; returns the error.</summary>
    public JsonObject AssertError(int status, string code, bool retryable = false)
    {
        Assert.True(Status == status, $"Expected {status} {code}, got {Status}: {Text}");
        var error = Assert.IsType<JsonObject>(Assert.IsType<JsonObject>(Body)["error"]);
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.Equal(retryable, error["retryable"]!.GetValue<bool>());
        Assert.IsType<JsonObject>(error["details"]);
        Assert.False(string.IsNullOrWhiteSpace(error["request_id"]!.GetValue<string>()));
        // Never a stack trace.
        Assert.DoesNotContain("   at ", Text, StringComparison.Ordinal);
        return error;
    }
}
