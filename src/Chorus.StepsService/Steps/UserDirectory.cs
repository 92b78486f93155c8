using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Steps;

namespace Chorus.StepsService.Steps;

/// <summary>The demo's users: a fixed, in-memory directory (the service has no database).</summary>
internal sealed class UserDirectory
{
    public sealed record User(int Id, string Name, string Email, string Role, int Score)
    {
        public JsonObject ToJson() => new()
        {
            ["id"] = Id,
            ["name"] = Name,
            ["email"] = Email,
            ["role"] = Role,
            ["score"] = Score,
        };
    }

    private static readonly User[] Users =
    [
        new(1, "Ada Lovelace", "ada@example.com", "admin", 92),
        new(2, "  grace   HOPPER ", "Grace.Hopper@Example.com", "admin", 78),
        new(3, "linus torvalds", "linus@example.com", "user", 45),
        new(4, "Margaret Hamilton", "margaret@example.com", "user", 88),
        new(5, "alan turing", "ALAN@example.com", "guest", 30),
    ];

    public IReadOnlyList<User> All => Users;

    public User? Find(int id) => Users.FirstOrDefault(u => u.Id == id);

    /// <summary>A user id as the workflows send it: a whole number, or a string of digits (form fields arrive as text).</summary>
    public static int? ParseId(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out var id) => id,
        JsonValue v when v.TryGetValue<string>(out var text)
            && int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) => id,
        null => null,
        _ => throw new StepException("invalid_input", $"user_id must be a whole number, not {node.ToJsonString()}.",
            details: new JsonObject { ["field"] = "user_id" }),
    };
}
