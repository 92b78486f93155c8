using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Scalar.AspNetCore;

namespace Chorus.Server.Api;

/// <summary>The API described for tools and people: an OpenAPI document generated from the endpoints at
/// <see cref="DocumentPath"/>, and interactive docs over it at <see cref="DocsPath"/>. Both need no credential: they
/// describe the API, they hold no data.</summary>
/// <summary>Endpoint metadata: the request and answer bodies of a route, by the names of schemas in ApiSchemas.json
/// (the handlers read and write JSON themselves, so the generator cannot see them).</summary>
/// <param name="MediaTypes">For a route whose bodies are not JSON: each media type of the request with its schema
/// (the answer's type is the first entry of <paramref name="ResponseMediaType"/>).</param>
internal sealed record DocumentedBodies(string? Request, string? Response, int Status,
    IReadOnlyDictionary<string, string>? MediaTypes = null, string? ResponseMediaType = null);

internal static class ApiDocument
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string DocsPath = "/docs";
    private const string ErrorSchema = "Error";
    private const string BearerScheme = "bearer";
    private const string ApiKeyScheme = "apiKey";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) => services.AddOpenApi("v1", options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            DescribeOperation(operation, context);
            return Task.CompletedTask;
        });
    });

    /// <summary>Describes the route's bodies in the API document (see <see cref="DocumentedBodies"/>).</summary>
    public static TBuilder Bodies<TBuilder>(this TBuilder builder, string? request = null, string? response = null, int status = StatusCodes.Status200OK)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new DocumentedBodies(request, response, status));

    /// <summary>Describes a route whose request is not JSON: <paramref name="request"/> maps each media type it takes
    /// to a schema; the answer is <paramref name="response"/> as <paramref name="responseMediaType"/>.</summary>
    public static TBuilder OtherBodies<TBuilder>(this TBuilder builder, IReadOnlyDictionary<string, string>? request, string response,
        int status = StatusCodes.Status200OK, string responseMediaType = "application/json")
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DocumentedBodies(null, response, status, request, responseMediaType));

    /// <summary>The schemas of the bodies, written as JSON Schema in ApiSchemas.json beside this file.</summary>
    private static readonly Lazy<JsonObject> Schemas = new(() =>
    {
        using var stream = typeof(ApiDocument).Assembly.GetManifestResourceStream("Chorus.Server.ApiSchemas.json")
            ?? throw new InvalidOperationException("ApiSchemas.json is not embedded in the server.");
        return JsonNode.Parse(stream)!.AsObject();
    });

    public static void MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowWithoutCredential().ExcludeFromDescription();
        // Everything the page needs comes from this server: no web fonts, telemetry or assistants from elsewhere.
        app.MapScalarApiReference(DocsPath, options => options
                .WithTitle("Chorus API")
                .WithOpenApiRoutePattern(DocumentPath)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp())
            .AllowWithoutCredential().ExcludeFromDescription();
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Chorus API",
            Version = "v1",
            Description = "Workflows, their versions, executions, schedules, webhooks, API keys, secrets and tiers of a Chorus " +
                "server. Every route but the health checks and webhook calls needs a bearer token or an API key; a credential " +
                "valid for several tenants names one in X-Tenant-ID. Errors have one shape: {\"error\": {\"code\", \"message\", " +
                "\"details\", \"request_id\"}}. Live events are on the WebSocket at /api/workflows/ws (not described here).",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token signed with the server's key (`chorus token`) or by the configured identity provider.",
            },
            [ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-API-Key",
                Description = "An API key made with POST /api/api-keys.",
            },
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ErrorSchema] = ErrorShape();
        foreach (var (name, schema) in Schemas.Value)
            document.Components.Schemas[name] = OpenApiModelFactory.Parse<OpenApiSchema>(schema!.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document, out _, "json")
                ?? throw new InvalidOperationException($"ApiSchemas.json: {name} is not a schema.");
        // The tags the operations were given (see TagOf), not the generator's (the names of the classes that map them).
        document.Tags = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).Distinct().Order(StringComparer.Ordinal)
            .Select(name => new OpenApiTag { Name = name }).ToHashSet();
    }

    /// <summary>The error shape every failure answers with.</summary>
    private static OpenApiSchema ErrorShape() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "error" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["error"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "code", "message", "request_id" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Stable and machine-readable, such as workflow_not_found." },
                    ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "For people." },
                    ["details"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "What the code needs, such as the field at fault." },
                    ["request_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Names the request in the server's log." },
                },
            },
        },
    };

    private static void DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var path = "/" + (context.Description.RelativePath ?? "");
        operation.Tags = new HashSet<OpenApiTagReference> { new(TagOf(path), context.Document) };
        operation.Responses ??= new OpenApiResponses();
        if (metadata.OfType<DocumentedBodies>().LastOrDefault() is { } bodies)
            DescribeBodies(operation, bodies, context.Document);
        operation.Responses["default"] = ErrorResponse("An error, in the error shape.", context.Document);
        if (metadata.OfType<NoCredentialNeeded>().Any())
        {
            operation.Security = [];
            return;
        }
        var role = metadata.OfType<RequiredRole>().LastOrDefault()?.Role ?? Role.Admin;
        operation.Description = $"Needs the {role.Name()} role.{(operation.Description is { Length: > 0 } d ? " " + d : "")}";
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] },
        ];
        operation.Parameters ??= [];
        if (!operation.Parameters.Any(p => p.Name == "X-Tenant-ID"))
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "X-Tenant-ID",
                In = ParameterLocation.Header,
                Description = "The tenant to act in, for a credential valid for several tenants.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        operation.Responses["401"] = ErrorResponse("No credential, or one that is not valid (code unauthorized).", context.Document);
        operation.Responses["403"] = ErrorResponse($"The credential's role is below {role.Name()} (code permission_denied).", context.Document);
    }

    private static void DescribeBodies(OpenApiOperation operation, DocumentedBodies bodies, OpenApiDocument? document)
    {
        static Dictionary<string, OpenApiMediaType> Json(string schema, OpenApiDocument? document) =>
            new() { ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema, document) } };
        if (bodies.Request is { } request)
            operation.RequestBody = new OpenApiRequestBody { Required = true, Content = Json(request, document) };
        if (bodies.MediaTypes is { } mediaTypes)
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = mediaTypes.ToDictionary(m => m.Key, m => new OpenApiMediaType { Schema = new OpenApiSchemaReference(m.Value, document) }),
            };
        if (bodies.Response is { } response)
        {
            // The generator's guess (200, no content) gives way to what the route answers.
            operation.Responses!.Remove("200");
            var content = bodies.ResponseMediaType is { } other && other != "application/json"
                ? new Dictionary<string, OpenApiMediaType> { [other] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(response, document) } }
                : Json(response, document);
            operation.Responses[bodies.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                new OpenApiResponse { Description = response, Content = content };
        }
    }

    private static OpenApiResponse ErrorResponse(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new() { Schema = new OpenApiSchemaReference(ErrorSchema, document) },
        },
    };

    /// <summary>The compatible APIs are tagged with the names the README gives them, by their routes' prefixes.</summary>
    private static readonly (string Prefix, string Tag)[] CompatibleApis =
    [
        ("/api/v1/", "templates and instances API"),
        ("/workflows/", "steps-microservice API"),
        ("/steps/", "steps-microservice API"),
        ("/available-steps", "steps-microservice API"),
        ("/api/workflow/", "background-execution API"),
        ("/api/workflows/execute", "background-execution API"),
        ("/api/prefect/", "background-execution API"),
    ];

    /// <summary>The other routes are grouped by what they act on: /api/executions/{id}/steps is under "executions".</summary>
    internal static string TagOf(string path)
    {
        foreach (var (prefix, tag) in CompatibleApis)
            if (path.StartsWith(prefix, StringComparison.Ordinal))
                return tag;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            [] => "health",
            ["api", var resource, ..] => resource.StartsWith('{') ? "api" : resource,
            [var first, ..] => first,
        };
    }
}
