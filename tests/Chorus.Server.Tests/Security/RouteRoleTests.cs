using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests.Security;

/// <summary>Every route the running server maps, read from its endpoints rather than listed here, so a route added
/// later is checked without anyone remembering to: a role below the route's RequiredRole (admin when it has none) is
/// 403 permission_denied and changes nothing; a role at or above it gets through.</summary>
public sealed class RouteRoleTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private sealed record Route(string Pattern, string Method, Role? Needed, RouteEndpoint Endpoint);

    /// <summary>The (route, method) pairs of the running app; Needed is null for a route that needs no credential.</summary>
    private List<Route> Routes()
    {
        var routes = new List<Route>();
        foreach (var endpoint in fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "PUT", "PATCH", "DELETE"];
            Role? needed = endpoint.Metadata.GetMetadata<NoCredentialNeeded>() is not null ? null
                : endpoint.Metadata.GetMetadata<RequiredRole>()?.Role ?? Role.Admin;
            foreach (var method in methods)
                routes.Add(new Route(endpoint.RoutePattern.RawText ?? "", method, needed, endpoint));
        }
        return routes;
    }

    /// <summary>The route's path with its parameters filled in: the tenant's own objects, or ids that exist nowhere.</summary>
    private static string PathOf(Route route, Ids ids)
    {
        var path = "";
        foreach (var segment in route.Endpoint.RoutePattern.PathSegments)
        {
            path += "/";
            foreach (var part in segment.Parts)
                path += part switch
                {
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" } when route.Pattern.StartsWith("/api/executions") => ids.Execution,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" } => ids.Workflow,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "scheduleId" } => ids.Schedule,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "number" } => "1",
                    // A parameter this test does not know yet: any value reaches the role check, which runs first.
                    _ => "some-value",
                };
        }
        return path;
    }

    private sealed record Ids(string Workflow, string Execution, string Schedule);

    private async Task<Ids> Populate()
    {
        var workflow = await _client.CreateWorkflow(_tenant, Definitions.WaitForEvent("go"));
        var execution = await _client.Execute(_tenant, workflow);
        await _client.WaitForStatus(_tenant, execution, "waiting");
        var schedule = (await _client.Post($"/api/workflows/{workflow}/schedules", _tenant, new JsonObject { ["cron"] = "0 0 1 1 *" }))
            .Expect(HttpStatusCode.Created).Str("id")!;
        return new Ids(workflow, execution, schedule);
    }

    private Task<ApiResponse> Call(Route route, Ids ids, Role role) =>
        _client.SendAs(new HttpMethod(route.Method), PathOf(route, ids), TestTokens.For(_tenant, role), _tenant,
            route.Method is "POST" or "PUT" or "PATCH" ? new JsonObject() : null);

    [Fact]
    public void TheEndpointsAreFound()
    {
        var routes = Routes();

        // Guards the enumeration itself: an empty or partial list would make the test below pass vacuously.
        Assert.True(routes.Count >= 35, $"only {routes.Count} routes");
        Assert.Contains(routes, r => r is { Pattern: "/api/workflows/{id}", Method: "DELETE", Needed: Role.Admin });
        Assert.Contains(routes, r => r is { Pattern: "/api/executions/{id}/cancel", Method: "POST", Needed: Role.Member });
        Assert.Contains(routes, r => r is { Pattern: "/api/executions/{id}", Method: "GET", Needed: Role.Viewer });
        Assert.Contains(routes, r => r is { Pattern: "/health", Needed: null });
    }

    [Theory]
    [InlineData(Role.Viewer)]
    [InlineData(Role.Member)]
    public async Task BelowTheRoutesRole_Is403OnEveryRouteAndChangesNothing(Role role)
    {
        var ids = await Populate();
        var before = await SecurityAssert.Snapshot(_client, _tenant);
        var failures = new List<string>();

        foreach (var route in Routes().Where(r => r.Needed is { } needed && role < needed))
        {
            var response = await Call(route, ids, role);
            if (response.Status != HttpStatusCode.Forbidden || response.Str("error.code") != "permission_denied"
                || response.Str("error.details.required_role") != route.Needed!.Value.Name() || response.Str("error.details.role") != role.Name())
                failures.Add($"{route.Method} {route.Pattern}: HTTP {(int)response.Status} {response.Text}");
            else
                response.ErrorShape(HttpStatusCode.Forbidden, "permission_denied");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _tenant));
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{ids.Execution}", _tenant)).Str("status"));
    }

    [Theory]
    [InlineData(Role.Viewer)]
    [InlineData(Role.Member)]
    [InlineData(Role.Admin)]
    public async Task AtOrAboveTheRoutesRole_GetsThroughOnEveryRoute(Role role)
    {
        // Ids that exist nowhere and empty bodies: the request passes the role check and then fails on its own
        // merits (404, 400) or answers a read, without changing the tenant's objects.
        var nowhere = new Ids(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var failures = new List<string>();

        foreach (var route in Routes().Where(r => r.Needed is { } needed && role >= needed && r.Method != "CONNECT"))
        {
            var response = await Call(route, nowhere, role);
            if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)response.Status >= 500)
                failures.Add($"{route.Method} {route.Pattern}: HTTP {(int)response.Status} {response.Text}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task RoutesWithoutCredential_AnswerWithoutAToken()
    {
        var failures = new List<string>();

        // CONNECT is how HTTP/2 opens a WebSocket; HTTP/1.1 cannot send it to a path, so it is left out here.
        foreach (var route in Routes().Where(r => r.Needed is null && r.Method != "CONNECT"))
        {
            var response = await _client.SendWithout(new HttpMethod(route.Method), PathOf(route, new Ids("x", "x", "x")), []);
            if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)response.Status >= 500 && route.Pattern != "/health/ready")
                failures.Add($"{route.Method} {route.Pattern}: HTTP {(int)response.Status} {response.Text}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task RoleEscalationAttempts_AreRefusedAndChangeNothing()
    {
        var ids = await Populate();
        var member = TestTokens.For(_tenant, Role.Member);
        var viewer = TestTokens.For(_tenant, Role.Viewer);
        var schedules = $"/api/workflows/{ids.Workflow}/schedules";
        var before = await SecurityAssert.Snapshot(_client, _tenant);

        var attempts = new Dictionary<string, ApiResponse>
        {
            ["member PUT workflow"] = await _client.SendAs(HttpMethod.Put, $"/api/workflows/{ids.Workflow}", member, _tenant, Definitions.Greeting("hijacked")),
            ["member PATCH workflow"] = await _client.SendAs(HttpMethod.Patch, $"/api/workflows/{ids.Workflow}", member, _tenant, new JsonObject { ["status"] = "archived" }),
            ["member DELETE workflow"] = await _client.SendAs(HttpMethod.Delete, $"/api/workflows/{ids.Workflow}", member, _tenant),
            ["member revert"] = await _client.SendAs(HttpMethod.Post, $"/api/workflows/{ids.Workflow}/versions/1/revert", member, _tenant, new JsonObject()),
            ["member creates workflow"] = await _client.SendAs(HttpMethod.Post, "/api/workflows", member, _tenant, Definitions.Greeting("planted")),
            ["member creates schedule"] = await _client.SendAs(HttpMethod.Post, schedules, member, _tenant, new JsonObject { ["cron"] = "* * * * *" }),
            ["member disables schedule"] = await _client.SendAs(HttpMethod.Patch, $"{schedules}/{ids.Schedule}", member, _tenant, new JsonObject { ["enabled"] = false }),
            ["member deletes schedule"] = await _client.SendAs(HttpMethod.Delete, $"{schedules}/{ids.Schedule}", member, _tenant),
            ["viewer execute"] = await _client.SendAs(HttpMethod.Post, $"/api/workflows/{ids.Workflow}/execute", viewer, _tenant, new JsonObject()),
            ["viewer test-execute"] = await _client.SendAs(HttpMethod.Post, $"/api/workflows/{ids.Workflow}/test-execute", viewer, _tenant, new JsonObject()),
            ["viewer runs test cases"] = await _client.SendAs(HttpMethod.Post, $"/api/workflows/{ids.Workflow}/tests", viewer, _tenant, new JsonObject()),
            ["viewer start"] = await _client.SendAs(HttpMethod.Post, "/api/executions", viewer, _tenant, new JsonObject { ["workflow_id"] = ids.Workflow }),
            ["viewer cancel"] = await _client.SendAs(HttpMethod.Post, $"/api/executions/{ids.Execution}/cancel", viewer, _tenant),
            ["viewer pause"] = await _client.SendAs(HttpMethod.Post, $"/api/executions/{ids.Execution}/pause", viewer, _tenant),
            ["viewer sends the event"] = await _client.SendAs(HttpMethod.Post, $"/api/executions/{ids.Execution}/events", viewer, _tenant, new JsonObject { ["name"] = "go" }),
        };
        var after = await SecurityAssert.Snapshot(_client, _tenant);

        Assert.All(attempts, a => a.Value.ErrorShape(HttpStatusCode.Forbidden, "permission_denied"));
        Assert.Equal(before, after);
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{ids.Execution}", _tenant)).Str("status"));
        // The same member may do what its role allows: the refusals above are about the role, not the token.
        (await _client.SendAs(HttpMethod.Post, $"/api/executions/{ids.Execution}/events", member, _tenant, new JsonObject { ["name"] = "go" }))
            .Expect(HttpStatusCode.Accepted);
        await _client.WaitForCompletion(_tenant, ids.Execution);
    }
}
