using System.Text.Json.Nodes;
using Chorus.Steps;

namespace Chorus.StepsService.Steps;

/// <summary>Loads a user record from the directory by <c>user_id</c>.</summary>
internal sealed class FetchUserStep(UserDirectory users) : IStepHandler
{
    public string Name => "fetch_user";

    public string Description => "Loads the user record (id, name, email, role, score) for config.user_id, else the execution input's user_id.";

    public JsonObject ConfigSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "properties": {
            "user_id": {"type": ["integer", "string"], "description": "The user to load; defaults to input.user_id."}
          }
        }
        """);

    public JsonObject OutputSchema { get; } = StepSchemas.User;

    public Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        // The seed's clients send the id in the execution's initial data; older contexts name it initial_data.
        var id = UserDirectory.ParseId(request.Config["user_id"] ?? request.Find("input.user_id") ?? request.Find("initial_data.user_id"))
            ?? throw new StepException("invalid_input", "No user_id: set config.user_id or start the execution with input.user_id.",
                details: new JsonObject { ["field"] = "user_id" });
        var user = users.Find(id) ?? throw new StepException("user_not_found", $"There is no user {id}.",
            details: new JsonObject { ["user_id"] = id }, status: StatusCodes.Status404NotFound);
        return Task.FromResult<JsonNode?>(user.ToJson());
    }
}
