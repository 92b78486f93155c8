using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests;

/// <summary>The OpenAPI document at /openapi/v1.json describes every route the server maps, and only those; the few
/// that are not API routes are named here, so that a new route cannot go undocumented unnoticed.</summary>
public sealed partial class ApiDocumentTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>Mapped but not in the document, each for a reason: web UI pages, the WebSocket (OpenAPI cannot describe
    /// one; the document's description names it), the Prometheus scrape, the document itself, the docs page with its
    /// scripts (all of /docs, counted as one), and the other methods of the validation routes (they only answer 405).</summary>
    private static readonly string[] NotApiRoutes =
    [
        "GET /ui", "GET /ui/{path}", "GET /api/workflows/ws", "CONNECT /api/workflows/ws", "GET /metrics",
        "GET /openapi/v1.json", "GET /docs",
        .. new[] { "GET", "PUT", "PATCH", "DELETE" }.SelectMany(m => new[] { $"{m} /api/workflows/validate", $"{m} /api/workflows/validate-step" }),
    ];

    /// <summary>Routes of the workflows, executions, API keys and secrets that take no body: the operation is the route.</summary>
    private static readonly string[] NoRequestBody =
    [
        "POST /api/executions/{id}/pause", "POST /api/executions/{id}/resume", "POST /api/executions/{id}/cancel",
        "POST /api/executions/{id}/advance", "POST /api/workflows/{id}/versions/{number}/revert",
        "POST /api/workflows/{id}/webhooks/{webhookId}/rotate", "POST /api/workflows/{id}/migrations/{migrationId}/rollback",
    ];

    private async Task<JsonObject> DocumentAsync()
    {
        using var response = await fixture.Client.GetAsync("/openapi/v1.json"); // no credential: it describes, it holds no data
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task EveryMappedRoute_IsDocumented_AndEveryDocumentedRouteIsMapped()
    {
        var document = await DocumentAsync();
        var documented = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {Normal(path.Key)}"))
            .ToHashSet();
        var mapped = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Normal(e.RoutePattern.RawText ?? "")}"))
            .Select(route => route.StartsWith("GET /docs/", StringComparison.Ordinal) ? "GET /docs" : route)
            .ToHashSet();

        Assert.Empty(documented.Except(mapped));
        Assert.Equal(NotApiRoutes.Order(), mapped.Except(documented).Order());
        Assert.True(documented.Count > 80, $"Only {documented.Count} operations documented.");
    }

    [Fact]
    public async Task Operations_SayWhatCredentialAndRoleTheyNeed_AndTheErrorShape()
    {
        var document = await DocumentAsync();
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Route: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!.AsObject())))
            .ToDictionary(o => o.Route, o => o.Operation);

        var retry = operations["POST /api/executions/{id}/retry"];
        Assert.Equal("executions", retry["tags"]![0]!.GetValue<string>());
        Assert.StartsWith("Needs the member role.", retry["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["bearer", "apiKey"], retry["security"]!.AsArray().Select(r => r!.AsObject().Single().Key));
        Assert.Contains(retry["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "X-Tenant-ID" && p["in"]!.GetValue<string>() == "header");
        foreach (var status in new[] { "default", "401", "403" })
            Assert.Equal("#/components/schemas/Error", retry["responses"]![status]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Contains("Needs the admin role.", operations["POST /api/api-keys"]["description"]!.GetValue<string>(), StringComparison.Ordinal);

        // Probes and webhook calls carry no credential, and the document says so.
        Assert.Empty(operations["GET /health"]["security"]!.AsArray());
        Assert.Empty(operations["POST /api/hooks/{triggerId}"]["security"]!.AsArray());
        Assert.Equal("templates and instances API", operations["GET /api/v1/templates"]["tags"]![0]!.GetValue<string>());

        var error = document["components"]!["schemas"]!["Error"]!["properties"]!["error"]!["properties"]!.AsObject();
        Assert.Equal(["code", "message", "details", "request_id"], error.Select(p => p.Key));
        Assert.Equal(["bearer", "apiKey"], document["components"]!["securitySchemes"]!.AsObject().Select(s => s.Key));
    }

    [Fact]
    public async Task BodiesAreDescribed_AndTheDocumentedExecutionIsTheOneTheServerAnswers()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!;
        string? Ref(JsonNode? content) => (string?)content?["application/json"]?["schema"]?["$ref"];

        Assert.Equal("#/components/schemas/WorkflowDefinition", Ref(paths["/api/workflows"]!["post"]!["requestBody"]!["content"]));
        Assert.Equal("#/components/schemas/Workflow", Ref(paths["/api/workflows"]!["post"]!["responses"]!["201"]!["content"]));
        Assert.Equal("#/components/schemas/Execution", Ref(paths["/api/workflows/{id}/execute"]!["post"]!["responses"]!["202"]!["content"]));
        Assert.Equal("#/components/schemas/RetryRequest", Ref(paths["/api/executions/{id}/retry"]!["post"]!["requestBody"]!["content"]));
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal("#/components/schemas/Step", (string?)schemas["WorkflowDefinition"]!["properties"]!["steps"]!["items"]!["$ref"]);

        // The description and the answer agree field for field.
        var tenant = ApiCalls.NewTenant();
        var workflow = await fixture.Client.CreateWorkflow(tenant, Definitions.Greeting());
        var id = await fixture.Client.Execute(tenant, workflow, new JsonObject { ["name"] = "Ada" });
        var execution = (await fixture.Client.WaitForCompletion(tenant, id)).Body.AsObject();
        Assert.Equal(schemas["Execution"]!["properties"]!.AsObject().Select(p => p.Key).Order(), execution.Select(p => p.Key).Order());
        var stored = (await fixture.Client.Get($"/api/workflows/{workflow}", tenant)).Body.AsObject();
        Assert.All(schemas["Workflow"]!["required"]!.AsArray(), field => Assert.True(stored.ContainsKey(field!.GetValue<string>()), field.GetValue<string>()));
        Assert.All(stored.Select(p => p.Key), field => Assert.True(schemas["Workflow"]!["properties"]![field] is not null || schemas["WorkflowDefinition"]!["properties"]![field] is not null, field));
    }

    [Fact]
    public async Task TheDocumentedUsage_IsTheOneTheServerAnswers_FieldForField()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        var usage = (await fixture.Client.Get("/api/usage", ApiCalls.NewTenant())).Expect(System.Net.HttpStatusCode.OK).Body.AsObject();

        Assert.Equal(schemas["Usage"]!["properties"]!.AsObject().Select(p => p.Key).Order(), usage.Select(p => p.Key).Order());
        Assert.Equal(schemas["TierLimits"]!["properties"]!.AsObject().Select(p => p.Key).Order(), usage["limits"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(schemas["Usage"]!["properties"]!["usage"]!["properties"]!.AsObject().Select(p => p.Key).Order(),
            usage["usage"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public async Task TheMainResourcesRoutes_EachDescribeWhatTheyTakeAndAnswer()
    {
        // The compatible APIs' bodies are described in the README's tables; these are the native API's.
        var document = await DocumentAsync();
        var main = new[] { "/api/workflows", "/api/executions", "/api/api-keys", "/api/secrets", "/api/tiers", "/api/usage", "/api/tenants" };
        var missing = new List<string>();
        foreach (var (path, operations) in document["paths"]!.AsObject().Where(p => main.Any(m => p.Key.StartsWith(m, StringComparison.Ordinal))))
            foreach (var (method, operation) in operations!.AsObject().Where(o => !((string?)o.Value!["tags"]![0])!.EndsWith(" API", StringComparison.Ordinal)))
            {
                var route = $"{method.ToUpperInvariant()} {path}";
                if (method is "post" or "put" or "patch" && operation!["requestBody"] is null && !NoRequestBody.Contains(route))
                    missing.Add(route + " (request)");
                if (method is not "delete" && !operation!["responses"]!.AsObject().Any(r => r.Key.StartsWith('2') && r.Value?["content"] is not null))
                    missing.Add(route + " (answer)");
            }
        Assert.Empty(missing);
    }

    [Fact]
    public async Task TheDocsPage_NeedsNoCredential_AndMayRunItsInlineStartScript_WhereNoOtherPageMay()
    {
        using var docs = await fixture.Client.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("'unsafe-inline'", docs.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        using var api = await fixture.Client.GetAsync("/openapi/v1.json");
        Assert.DoesNotContain("'unsafe-inline'", api.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    /// <summary>A route as both sides can write it: catch-alls and constraints dropped ({**path}, {id:guid} → {path},
    /// {id}), no trailing slash.</summary>
    private static string Normal(string route)
    {
        var path = Parameter().Replace(route, m => "{" + m.Groups[1].Value + "}");
        path = "/" + path.Trim('/');
        return path;
    }

    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex Parameter();
}
