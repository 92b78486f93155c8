namespace Chorus.Server.Security;

/// <summary>What a caller may do in a tenant. Each role includes the ones below it.</summary>
public enum Role
{
    /// <summary>Reads workflows, executions, schedules and their history.</summary>
    Viewer = 1,

    /// <summary>Also runs, operates (pause, resume, cancel, retry, signal, input) and watches executions.</summary>
    Member = 2,

    /// <summary>Also changes workflows and schedules, manages API keys and tenant settings, and watches whole tenants.</summary>
    Admin = 3,

    /// <summary>The server's operator: also defines tiers and assigns them to any tenant. Never given to a
    /// tenant's own users.</summary>
    Operator = 4,
}

public static class Roles
{
    /// <summary>The role named <paramref name="name"/> (case-insensitive), or null for a name Chorus does not know.</summary>
    public static Role? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "viewer" => Role.Viewer,
        "member" => Role.Member,
        "admin" => Role.Admin,
        "operator" => Role.Operator,
        _ => null,
    };

    public static string Name(this Role role) => role.ToString().ToLowerInvariant();
}
