namespace Chorus.Server.Security;

/// <summary>Endpoint metadata: the least role a caller needs. An endpoint without it needs <see cref="Role.Admin"/>,
/// so a route someone forgets to mark is closed rather than open.</summary>
public sealed record RequiredRole(Role Role);

/// <summary>Endpoint metadata: no credential needed (health checks, and the WebSocket, which authenticates itself).</summary>
public sealed record NoCredentialNeeded;

public static class RoleConventions
{
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredRole(role));

    public static TBuilder AllowWithoutCredential<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new NoCredentialNeeded());
}
