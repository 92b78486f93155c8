using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Security;

namespace Chorus.Server.Collections;

/// <summary>The caller's tenant's collections, as saveRecords wrote them: list them, read their records with the same
/// filters, order and pages as fetchData (query parameters, or a JSON body to <c>…/query</c>), delete one. Viewers read,
/// admins delete.</summary>
internal static class CollectionsApi
{
    public static void MapCollections(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/collections");
        group.MapGet("/", List).RequireRole(Role.Viewer).Bodies(response: "CollectionList");
        group.MapGet("/{name}", Get).RequireRole(Role.Viewer).Bodies(response: "Collection");
        group.MapGet("/{name}/records", Records).RequireRole(Role.Viewer).Bodies(response: "RecordPage");
        group.MapPost("/{name}/query", Query).RequireRole(Role.Viewer).Bodies("RecordQuery", "RecordPage");
        group.MapDelete("/{name}", Delete).RequireRole(Role.Admin).Bodies(response: "CollectionDeleted");
    }

    private static async Task<IResult> List(HttpContext http, ICollectionStore store)
    {
        var collections = await store.ListCollectionsAsync(http.Tenant(), http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["items"] = Representations.Array(collections, Representation), ["total"] = collections.Count });
    }

    private static async Task<IResult> Get(HttpContext http, string name, ICollectionStore store) =>
        TypedResults.Json(Representation(await ExistingAsync(http, name, store)));

    /// <summary>The filter comes as JSON in <c>?filter=</c>; the rest as plain parameters.</summary>
    private static async Task<IResult> Records(HttpContext http, string name, ICollectionStore store)
    {
        var source = new JsonObject();
        foreach (var (key, values) in http.Request.Query)
        {
            if (!RecordQueryJson.Fields.Contains(key))
                throw new ChorusException(ErrorCodes.InvalidInput, $"Unknown query parameter '{Shown(key)}'; records take {string.Join(", ", RecordQueryJson.Fields)}.",
                    new JsonObject { ["field"] = Shown(key) });
            var value = values.ToString();
            source[key] = key == "filter" ? ParseFilter(value) : value;
        }
        return await AnswerAsync(http, name, store, source);
    }

    private static async Task<IResult> Query(HttpContext http, string name, ICollectionStore store)
    {
        var body = await http.ReadObjectAsync(allowEmpty: true);
        var unknown = body.Select(p => p.Key).Where(k => !RecordQueryJson.Fields.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"A records query has only {string.Join(", ", RecordQueryJson.Fields)}.",
                new JsonObject { ["fields"] = new JsonArray(unknown.Select(k => (JsonNode?)Shown(k)).ToArray()) });
        return await AnswerAsync(http, name, store, body);
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, string name, ICollectionStore store, JsonObject source)
    {
        var (query, problems) = RecordQueryJson.Read(source, "", placeholdersAllowed: false);
        if (query is null)
            throw new ChorusException(ErrorCodes.InvalidInput, $"{problems[0].Field}: {problems[0].Message}", new JsonObject
            {
                ["field"] = problems[0].Field,
                ["problems"] = new JsonArray(problems.Select(p => (JsonNode?)new JsonObject { ["field"] = p.Field, ["message"] = p.Message }).ToArray()),
            });
        await ExistingAsync(http, name, store);
        var page = await store.QueryRecordsAsync(http.Tenant(), name, query, http.RequestAborted);
        return TypedResults.Json(RecordQueryJson.Answer(query, page));
    }

    private static async Task<IResult> Delete(HttpContext http, string name, ICollectionStore store)
    {
        var deleted = CollectionNames.IsValid(name) ? await store.DeleteCollectionAsync(http.Tenant(), name, http.RequestAborted) : null;
        return TypedResults.Json(new JsonObject { ["name"] = name, ["deleted_records"] = deleted ?? throw NotFound(name) });
    }

    /// <summary>The collection; another tenant's is as missing as one never written to.</summary>
    private static async Task<CollectionInfo> ExistingAsync(HttpContext http, string name, ICollectionStore store) =>
        (CollectionNames.IsValid(name) ? await store.GetCollectionAsync(http.Tenant(), name, http.RequestAborted) : null) ?? throw NotFound(name);

    private static JsonNode? ParseFilter(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (System.Text.Json.JsonException)
        {
            throw new ChorusException(ErrorCodes.InvalidInput, "The filter parameter must be a JSON object, e.g. filter={\"status\":\"paid\"}.",
                new JsonObject { ["field"] = "filter" });
        }
    }

    private static ChorusException NotFound(string name) =>
        new(ErrorCodes.NotFound, $"Collection '{CollectionNames.Shown(name)}' does not exist.");

    private static string Shown(string text) => text.Length > 64 ? text[..64] + "..." : text;

    private static JsonObject Representation(CollectionInfo c) => new()
    {
        ["name"] = c.Name,
        ["key_field"] = c.KeyField,
        ["record_count"] = c.RecordCount,
        ["created_at"] = Representations.Iso(c.CreatedAt),
        ["updated_at"] = Representations.Iso(c.UpdatedAt),
    };
}
