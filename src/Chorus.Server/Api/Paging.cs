using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Api;

/// <summary><c>?page=1&amp;page_size=50</c> (page_size at most 200) and the paged response body.</summary>
internal static class Paging
{
    public const int MaxPageSize = 200;

    public static (int Offset, int Limit, int Page, int PageSize) From(HttpContext http)
    {
        var page = Number(http, "page", 1, 1, 1_000_000);
        var size = Number(http, "page_size", 50, 1, MaxPageSize);
        return ((page - 1) * size, size, page, size);
    }

    public static JsonObject Body(JsonArray items, int total, int page, int size) => new()
    {
        ["items"] = items,
        ["total"] = total,
        ["page"] = page,
        ["page_size"] = size,
    };

    private static int Number(HttpContext http, string name, int fallback, int min, int max)
    {
        var text = http.Request.Query[name].ToString();
        if (text.Length == 0)
            return fallback;
        return int.TryParse(text, out var n) && n >= min && n <= max ? n
            : throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' must be a whole number from {min} to {max}.", new JsonObject { ["field"] = name });
    }
}
