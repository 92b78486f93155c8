using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Steps;

/// <summary>Maps the steps-service protocol: <c>GET /steps</c>, <c>POST /steps/{name}</c> and <c>GET /health</c>.</summary>
public static class StepsEndpointRouteBuilderExtensions
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    /// <summary>Maps the steps endpoints under <paramref name="prefix"/> (none by default, as the engine expects) and
    /// checks the registered steps, so that a bad name or schema stops the service at start. Returns the group, to
    /// which conventions such as authorization can be added.</summary>
    public static RouteGroupBuilder MapChorusSteps(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var catalog = services.GetService<StepCatalog>()
            ?? throw new InvalidOperationException("Call services.AddChorusSteps() before app.MapChorusSteps().");
        var endpoint = ActivatorUtilities.CreateInstance<StepsEndpoint>(services);

        var group = endpoints.MapGroup(prefix);
        group.MapGet("/steps", http => StepsEndpoint.WriteAsync(http, 200, StepAnswer.Encode(catalog.Document)));
        group.MapPost("/steps/{name}", http => endpoint.RunAsync(http, (string)http.Request.RouteValues["name"]!));
        group.MapGet("/health", http => StepsEndpoint.WriteAsync(http, 200,
            StepAnswer.Encode(new JsonObject { ["status"] = "ok", ["steps"] = catalog.Count })));

        // Routing would answer these with an empty 405 or 404: give them the protocol's error shape.
        MethodNotAllowed(group, "/steps", "GET");
        MethodNotAllowed(group, "/steps/{name}", "POST");
        MethodNotAllowed(group, "/health", "GET");
        group.Map("/steps/{name}/{**rest}", http => StepsEndpoint.RefuseAsync(http,
            new RefusedCall(404, "not_found", $"No route matches {http.Request.Method} {http.Request.Path}.")));
        return group;
    }

    private static void MethodNotAllowed(RouteGroupBuilder group, string pattern, string allowed) =>
        group.MapMethods(pattern, AllMethods.Where(m => m != allowed), http =>
        {
            http.Response.Headers.Allow = allowed;
            return StepsEndpoint.RefuseAsync(http, new RefusedCall(405, "method_not_allowed",
                $"{http.Request.Method} is not allowed on {http.Request.Path}; use {allowed}."));
        });
}
