using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Chorus.Client;

/// <summary>An answer of the server, typed, with the JSON it was read from.</summary>
public abstract record ChorusAnswer
{
    /// <summary>The answer exactly as the server sent it, with the fields this type does not name.</summary>
    [JsonIgnore]
    public JsonObject Json { get; internal set; } = [];
}

/// <summary>A list answer: <c>{"items": [...], "total", "page", "page_size"}</c> (the last two on paged lists only).</summary>
public sealed record ChorusList<T> : ChorusAnswer where T : ChorusAnswer
{
    /// <summary>The items of this page, each with its own <see cref="ChorusAnswer.Json"/>.</summary>
    public required IReadOnlyList<T> Items { get; init; }

    /// <summary>How many there are in all (on a paged list, more than <see cref="Items"/> when there are more pages).</summary>
    public int Total { get; init; }

    /// <summary>The page number, from 1, on a paged list.</summary>
    public int? Page { get; init; }

    /// <summary>The page size, on a paged list.</summary>
    public int? PageSize { get; init; }
}

/// <summary>Reads answers: snake_case fields, and every answer keeps its JSON.</summary>
internal static class Answers
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static T Read<T>(JsonNode? node) where T : ChorusAnswer
    {
        if (node is not JsonObject json)
            throw new ChorusConnectionException($"the server answered {Describe(node)} where a JSON object was expected; is it a Chorus server?");
        T answer;
        try
        {
            answer = json.Deserialize<T>(Options)
                ?? throw new ChorusConnectionException("the server answered null where a JSON object was expected.");
        }
        catch (JsonException ex)
        {
            throw new ChorusConnectionException($"the server's answer does not have the shape of a {typeof(T).Name}: {ex.Message}", ex);
        }
        answer.Json = json;
        return answer;
    }

    public static ChorusList<T> List<T>(JsonNode? node) where T : ChorusAnswer
    {
        var json = node as JsonObject
            ?? throw new ChorusConnectionException($"the server answered {Describe(node)} where a list was expected; is it a Chorus server?");
        var items = (json["items"] as JsonArray ?? []).Select(Read<T>).ToList();
        return new ChorusList<T>
        {
            Items = items,
            Total = json["total"] is JsonValue total && total.TryGetValue<int>(out var t) ? t : items.Count,
            Page = json["page"] is JsonValue page && page.TryGetValue<int>(out var p) ? p : null,
            PageSize = json["page_size"] is JsonValue size && size.TryGetValue<int>(out var s) ? s : null,
            Json = json,
        };
    }

    private static string Describe(JsonNode? node) => node is null ? "nothing" : $"JSON {node.GetValueKind().ToString().ToLowerInvariant()}";
}
