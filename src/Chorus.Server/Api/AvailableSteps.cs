using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using Chorus.Server.Security;

namespace Chorus.Server.Api;

/// <summary>The step types a definition may use, local and offered by the steps services, with the JSON Schemas the
/// editor builds its config forms from.</summary>
internal static class AvailableSteps
{
    public static void MapAvailableSteps(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/available-steps", List).RequireRole(Role.Viewer);

    internal static IResult List(StepRegistry registry) =>
        TypedResults.Json(new JsonObject
        {
            ["steps"] = new JsonArray(registry.Describe().Select(d => (JsonNode?)Describe(d)).ToArray()),
        });

    private static JsonObject Describe(StepDescription step)
    {
        var json = new JsonObject
        {
            ["name"] = step.Name,
            ["type"] = step.Name,
            ["description"] = step.Description,
            ["category"] = step.Category,
            ["source"] = step.Source,
            ["config_schema"] = step.ConfigSchema.DeepClone(),
            ["output_schema"] = step.OutputSchema.DeepClone(),
        };
        if (step.Service is { } service)
        {
            json["service"] = service.AbsoluteUri.TrimEnd('/');
            json["local_fallback"] = step.LocalFallback;
        }
        return json;
    }
}
