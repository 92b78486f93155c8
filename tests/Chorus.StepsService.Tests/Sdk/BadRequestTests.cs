using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Steps;
using Chorus.StepsService.Tests.Infrastructure;

namespace Chorus.StepsService.Tests.Sdk;

public sealed class BadRequestTests : IAsyncLifetime
{
    private readonly CountingStep _step = new();
    private RunningService _service = null!;

    public async Task InitializeAsync() =>
        _service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(_step), o => o.MaxBodyBytes = 64 * 1024);

    public async Task DisposeAsync()
    {
        // Whatever the call, a refused one never reaches the handler.
        Assert.Equal(0, _step.Runs);
        await _service.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"context\": ", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("{\"context\": [], \"config\": {\"limit\": 1}}", "'context' must be a JSON object")]
    [InlineData("{\"context\": {}, \"config\": \"limit=1\"}", "'config' must be a JSON object")]
    public async Task A_malformed_body_is_400_invalid_input(string body, string says)
    {
        var error = (await _service.SendAsync(HttpMethod.Post, "/steps/count", body)).AssertError(400, "invalid_input");

        Assert.Contains(says, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_400_invalid_input()
    {
        using var content = new ByteArrayContent([(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        using var response = await _service.Http.PostAsync("/steps/count", content);

        (await Answer.ReadAsync(response)).AssertError(400, "invalid_input");
    }

    [Fact]
    public async Task Json_nested_deeper_than_512_levels_is_400_invalid_input()
    {
        var body = "{\"context\": " + new string('[', 600) + new string(']', 600) + "}";

        (await _service.SendAsync(HttpMethod.Post, "/steps/count", body)).AssertError(400, "invalid_input");
    }

    [Fact]
    public async Task An_unknown_step_is_404_step_not_found()
    {
        var error = (await _service.CallAsync("no_such_step")).AssertError(404, "step_not_found");

        Assert.Equal("no_such_step", error["details"]!["step"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_config_failing_the_steps_schema_is_400_with_the_failing_path()
    {
        var error = (await _service.CallAsync("count", config: new JsonObject { ["limit"] = 0 })).AssertError(400, "step_configuration_error");
        Assert.Equal("config.limit", error["details"]!["path"]!.GetValue<string>());

        var nested = (await _service.CallAsync("count", config: new JsonObject { ["limit"] = 1, ["tags"] = new JsonArray("a", 2) }))
            .AssertError(400, "step_configuration_error");
        Assert.Equal("config.tags[1]", nested["details"]!["path"]!.GetValue<string>());

        var missing = (await _service.CallAsync("count")).AssertError(400, "step_configuration_error");
        Assert.Contains("limit", missing["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(missing["details"]!["errors"]!.AsArray());
    }

    [Fact]
    public async Task A_body_over_the_cap_is_413_whether_it_declares_its_length_or_not()
    {
        var big = new JsonObject { ["context"] = new JsonObject { ["pad"] = new string('x', 100 * 1024) } }.ToJsonString();

        (await _service.SendAsync(HttpMethod.Post, "/steps/count", big)).AssertError(413, "payload_too_large");

        // Chunked: no Content-Length, so the cap is found while reading.
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/steps/count") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _service.Http.SendAsync(request);
        (await Answer.ReadAsync(response)).AssertError(413, "payload_too_large");
    }

    [Theory]
    [InlineData("PUT", "/steps/count")]
    [InlineData("GET", "/steps/count")]
    [InlineData("DELETE", "/steps/count")]
    [InlineData("POST", "/steps")]
    [InlineData("PATCH", "/steps")]
    [InlineData("OPTIONS", "/steps/count")]
    [InlineData("POST", "/health")]
    public async Task A_wrong_method_is_405_with_the_allowed_one(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") };
        using var response = await _service.Http.SendAsync(request);

        (await Answer.ReadAsync(response)).AssertError(405, "method_not_allowed");
        Assert.Single(response.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_path_below_a_step_is_404()
    {
        (await _service.SendAsync(HttpMethod.Post, "/steps/count/extra", "{}")).AssertError(404, "not_found");
    }

    [Theory]
    [InlineData("X-Chorus-Attempt", "first")]
    [InlineData("X-Chorus-Attempt", "-1")]
    [InlineData("X-Chorus-Attempt", "99999999999")]
    [InlineData("Idempotency-Key", null)]
    public async Task A_malformed_engine_header_is_400(string header, string? value)
    {
        var headers = new Dictionary<string, string> { [header] = value ?? new string('k', 300) };

        var error = (await _service.CallAsync("count", config: new JsonObject { ["limit"] = 1 }, headers: headers)).AssertError(400, "invalid_input");

        Assert.Equal(header, error["details"]!["header"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_that_sends_half_a_body_and_leaves_does_not_disturb_the_service()
    {
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(_service.Address.Host, _service.Address.Port);
            var head = $"POST /steps/count HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"context\":";
            await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        }

        var health = await _service.SendAsync(HttpMethod.Get, "/health");
        Assert.Equal(200, health.Status);
    }
}
