using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.StepsService.Tests.Infrastructure;

namespace Chorus.StepsService.Tests.Demo;

/// <summary>The demo set, called as the engine calls it.</summary>
public sealed class DemoStepsTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await SdkServices.StartDemoAsync(_logs);

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private static JsonObject Input(JsonObject input) => new() { ["input"] = input };

    [Fact]
    public async Task The_catalog_offers_the_six_demo_steps_with_schemas()
    {
        var catalog = await _service.SendAsync(HttpMethod.Get, "/steps");

        var steps = catalog.Body!["steps"]!.AsArray();
        Assert.Equal(["approve_user", "decide", "fetch_user", "reject_user", "transform_data", "validate_user"],
            steps.Select(s => s!["name"]!.GetValue<string>()));
        Assert.All(steps, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s!["description"]!.GetValue<string>()));
            Assert.Equal("object", s["config_schema"]!["type"]!.GetValue<string>());
            Assert.Equal("object", s["output_schema"]!["type"]!.GetValue<string>());
        });
        Assert.Equal(6, (await _service.SendAsync(HttpMethod.Get, "/health")).Body!["steps"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fetch_user_reads_the_id_from_config_then_input_and_accepts_digits_as_text()
    {
        var byInput = (await _service.CallAsync("fetch_user", Input(new JsonObject { ["user_id"] = 2 }))).OutputObject;
        Assert.Equal(2, byInput["id"]!.GetValue<int>());
        Assert.Equal("admin", byInput["role"]!.GetValue<string>());
        Assert.Equal(["id", "name", "email", "role", "score"], byInput.Select(p => p.Key));

        var byConfig = (await _service.CallAsync("fetch_user", Input(new JsonObject { ["user_id"] = 2 }), new JsonObject { ["user_id"] = "4" })).OutputObject;
        Assert.Equal(4, byConfig["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fetch_user_refuses_an_unknown_or_missing_id_for_good()
    {
        var unknown = (await _service.CallAsync("fetch_user", config: new JsonObject { ["user_id"] = 404 })).AssertError(404, "user_not_found");
        Assert.Equal(404, unknown["details"]!["user_id"]!.GetValue<int>());

        (await _service.CallAsync("fetch_user")).AssertError(422, "invalid_input");
        (await _service.CallAsync("fetch_user", Input(new JsonObject { ["user_id"] = 2.5 }))).AssertError(422, "invalid_input");
        (await _service.CallAsync("fetch_user", config: new JsonObject { ["user_id"] = true })).AssertError(400, "step_configuration_error");
    }

    [Fact]
    public async Task Validate_user_accepts_the_seeds_dynamic_properties()
    {
        var context = Input(new JsonObject
        {
            ["user_id"] = 2,
            ["dynamic_properties"] = new JsonObject { ["propiedadA"] = "admin", ["propiedadB"] = "test_value" },
        });

        var output = (await _service.CallAsync("validate_user", context,
            new JsonObject { ["allowed"] = new JsonObject { ["propiedadA"] = new JsonArray("admin", "user") } })).OutputObject;

        Assert.True(output["valid"]!.GetValue<bool>());
        Assert.Empty(output["reasons"]!.AsArray());
        Assert.Equal("test_value", output["properties"]!["propiedadB"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_user_gives_the_reasons_for_a_missing_or_disallowed_property()
    {
        var context = Input(new JsonObject { ["dynamic_properties"] = new JsonObject { ["propiedadA"] = "intruder" } });
        var config = new JsonObject
        {
            ["required"] = new JsonArray("propiedadA", "propiedadC"),
            ["allowed"] = new JsonObject { ["propiedadA"] = new JsonArray("admin") },
        };

        var output = (await _service.CallAsync("validate_user", context, config)).OutputObject;

        Assert.False(output["valid"]!.GetValue<bool>());
        var reasons = output["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Contains(reasons, r => r.Contains("propiedadC is required", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("\"intruder\"", StringComparison.Ordinal));

        var none = (await _service.CallAsync("validate_user", Input([]))).OutputObject;
        Assert.False(none["valid"]!.GetValue<bool>());
        (await _service.CallAsync("validate_user", Input(new JsonObject { ["dynamic_properties"] = "admin" }))).AssertError(422, "invalid_input");
    }

    [Fact]
    public async Task Transform_data_normalises_the_fetched_user_and_computes_its_score()
    {
        var fetched = (await _service.CallAsync("fetch_user", config: new JsonObject { ["user_id"] = 2 })).OutputObject;

        var output = (await _service.CallAsync("transform_data", new JsonObject { ["fetch_user"] = fetched.DeepClone() },
            new JsonObject { ["delay_ms"] = 0 })).OutputObject;

        Assert.Equal("Grace Hopper", output["name"]!.GetValue<string>());
        Assert.Equal("grace.hopper@example.com", output["email"]!.GetValue<string>());
        Assert.Equal(2, output["user_id"]!.GetValue<int>());
        // An admin's score gets the bonus (10 by default) on top of the directory's score.
        Assert.Equal(fetched["score"]!.GetValue<int>() + 10, output["score"]!.GetValue<int>());

        var weighted = (await _service.CallAsync("transform_data", new JsonObject { ["user"] = fetched.DeepClone() },
            new JsonObject { ["delay_ms"] = 0, ["user_path"] = "user", ["weight"] = 0.5, ["admin_bonus"] = 0 })).OutputObject;
        Assert.Equal((int)Math.Round(fetched["score"]!.GetValue<int>() * 0.5), weighted["score"]!.GetValue<int>());
    }

    [Fact]
    public async Task Transform_data_without_a_user_or_with_a_bad_delay_is_refused()
    {
        (await _service.CallAsync("transform_data", config: new JsonObject { ["delay_ms"] = 0 })).AssertError(422, "invalid_input");
        var error = (await _service.CallAsync("transform_data", config: new JsonObject { ["delay_ms"] = -1 })).AssertError(400, "step_configuration_error");
        Assert.Equal("config.delay_ms", error["details"]!["path"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(88, 50, true)]
    [InlineData(50, 50, true)]
    [InlineData(49, 50, false)]
    public async Task Decide_approves_a_score_that_reaches_the_threshold(int score, int threshold, bool approved)
    {
        var output = (await _service.CallAsync("decide", new JsonObject { ["transform_data"] = new JsonObject { ["score"] = score } },
            new JsonObject { ["threshold"] = threshold })).OutputObject;

        Assert.Equal(approved, output["approved"]!.GetValue<bool>());
        Assert.Equal(score, output["score"]!.GetValue<double>());
        Assert.Equal(threshold, output["threshold"]!.GetValue<double>());
    }

    [Fact]
    public async Task Decide_reads_the_score_where_it_is_told_or_refuses_without_one()
    {
        var context = new JsonObject { ["scores"] = new JsonObject { ["final"] = 30 }, ["fetch_user"] = new JsonObject { ["score"] = 95 } };

        var atPath = (await _service.CallAsync("decide", context, new JsonObject { ["score_path"] = "scores.final" })).OutputObject;
        Assert.False(atPath["approved"]!.GetValue<bool>());
        var fallback = (await _service.CallAsync("decide", context)).OutputObject;
        Assert.Equal(95, fallback["score"]!.GetValue<double>());
        Assert.Equal(50, fallback["threshold"]!.GetValue<double>());

        (await _service.CallAsync("decide")).AssertError(422, "invalid_input");
        (await _service.CallAsync("decide", new JsonObject { ["transform_data"] = new JsonObject { ["score"] = "high" } })).AssertError(422, "invalid_input");
    }

    [Theory]
    [InlineData("approve_user", "approved")]
    [InlineData("reject_user", "rejected")]
    public async Task The_final_steps_record_the_status_the_user_and_the_time(string step, string status)
    {
        var before = DateTimeOffset.UtcNow;
        var context = new JsonObject { ["input"] = new JsonObject { ["user_id"] = 2 }, ["transform_data"] = new JsonObject { ["user_id"] = 3 } };

        var output = (await _service.CallAsync(step, context, new JsonObject { ["reason"] = "because" })).OutputObject;

        Assert.Equal(status, output["status"]!.GetValue<string>());
        Assert.Equal(3, output["user_id"]!.GetValue<int>());
        Assert.Equal("because", output["reason"]!.GetValue<string>());
        var at = DateTimeOffset.Parse(output["at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.InRange(at, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Any_other_route_is_404_in_the_error_shape()
    {
        (await _service.SendAsync(HttpMethod.Get, "/available-steps")).AssertError(404, "not_found");
        (await _service.SendAsync(HttpMethod.Post, "/", "{}")).AssertError(404, "not_found");
    }
}
