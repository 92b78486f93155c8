using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class ValidationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private static JsonObject WithSteps(string steps) => Definitions.Parse($$"""{"name": "invalid", "steps": {{steps}}}""");

    public static TheoryData<string, string, string, string> InvalidDefinitions => new()
    {
        { "dangling next", """[{"id": "a", "type": "output", "next": "nowhere"}]""", "a", "next" },
        { "duplicate id", """[{"id": "a", "type": "comment", "next": "b"}, {"id": "b", "type": "output"}, {"id": "a", "type": "output"}]""", "a", "id" },
        { "unknown type", """[{"id": "a", "type": "teleport"}]""", "a", "type" },
        { "cycle", """[{"id": "a", "type": "comment", "next": "b"}, {"id": "b", "type": "comment", "next": "a"}]""", "b", "next" },
        {
            "bad expression",
            """[{"id": "a", "type": "condition", "config": {"conditions": [{"condition": "$.x ==", "next": "b"}], "default": "b"}}, {"id": "b", "type": "output"}]""",
            "a", "config.conditions[0].condition"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task Create_InvalidDefinition_Returns400NamingStepAndField(string scenario, string steps, string stepId, string field)
    {
        var created = await _client.Post("/api/workflows", _tenant, WithSteps(steps));

        created.ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        var errors = created.Node("error.details.errors")!.AsArray();
        Assert.True(errors.Any(e => e!["step_id"]?.GetValue<string>() == stepId && e["field"]!.GetValue<string>() == field),
            $"{scenario}: no error for {stepId}/{field} in {created.Text}");
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e!["message"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Create_InvalidDefinition_StoresNothing()
    {
        var tenant = ApiCalls.NewTenant();

        (await _client.Post("/api/workflows", tenant, WithSteps("""[{"id": "a", "type": "teleport"}]"""))).Expect(HttpStatusCode.BadRequest);
        var list = (await _client.Get("/api/workflows", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(0, list.Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task Validate_InvalidDefinition_Returns200WithValidFalseAndErrors()
    {
        var result = (await _client.Post("/api/workflows/validate", _tenant, WithSteps("""[{"id": "a", "type": "output", "next": "nowhere"}]""")))
            .Expect(HttpStatusCode.OK);

        Assert.False(result.Node("valid")!.GetValue<bool>());
        var error = Assert.Single(result.Node("errors")!.AsArray());
        Assert.Equal("a", error!["step_id"]!.GetValue<string>());
        Assert.Equal("next", error["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_ValidDefinitionWrapped_ReturnsValidTrue()
    {
        var body = new JsonObject { ["definition"] = Definitions.Greeting() };

        var result = (await _client.Post("/api/workflows/validate", _tenant, body)).Expect(HttpStatusCode.OK);

        Assert.True(result.Node("valid")!.GetValue<bool>(), result.Text);
        Assert.Empty(result.Node("errors")!.AsArray());
    }

    [Fact]
    public async Task ValidateStep_Seed003Request_ValidWithSimplificationWarning()
    {
        // Seed 003's request body; its "// Esquema de entrada del workflow" placeholder comment becomes {}.
        var body = Definitions.Parse("""
            {
              "step": {
                "id": "decision",
                "type": "condition",
                "name": "Check Enrichment Success",
                "config": {
                  "conditions": [
                    {
                      "condition": "$.enrich_data.success == true",
                      "next": "output_success"
                    }
                  ],
                  "default": "output_failure"
                }
              },
              "context": {
                "available_steps": ["input", "lookup", "enrich_data", "output_success", "output_failure"],
                "input_schema": {}
              }
            }
            """);

        var result = (await _client.Post("/api/workflows/validate-step", _tenant, body)).Expect(HttpStatusCode.OK);

        Assert.True(result.Node("valid")!.GetValue<bool>(), result.Text);
        var warning = Assert.Single(result.Node("warnings")!.AsArray());
        Assert.Equal("expression_simplification", warning!["code"]!.GetValue<string>());
        Assert.Contains("$.enrich_data.success", warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateStep_NextNotAmongAvailableSteps_ValidFalse()
    {
        var body = Definitions.Parse("""
            {
              "step": {"id": "lookup", "type": "addField", "config": {"field": "x", "value": 1}, "next": "ghost"},
              "context": {"available_steps": ["input", "lookup", "output_success"]}
            }
            """);

        var result = (await _client.Post("/api/workflows/validate-step", _tenant, body)).Expect(HttpStatusCode.OK);

        Assert.False(result.Node("valid")!.GetValue<bool>());
        var error = Assert.Single(result.Node("errors")!.AsArray());
        Assert.Equal("next", error!["field"]!.GetValue<string>());
        Assert.Contains("ghost", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateStep_WithoutStepObject_Returns400InvalidInput()
    {
        var result = await _client.Post("/api/workflows/validate-step", _tenant, new JsonObject { ["step"] = "decision" });

        result.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("step", result.Str("error.details.field"));
    }
}
