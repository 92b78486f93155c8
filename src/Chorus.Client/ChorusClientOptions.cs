namespace Chorus.Client;

/// <summary>What every request of a <see cref="ChorusClient"/> carries. All are optional: a server's
/// <c>/health</c> needs none, and headers already set on the <see cref="HttpClient"/> are sent as they are.</summary>
public sealed record ChorusClientOptions
{
    /// <summary>A bearer token, sent as <c>Authorization: Bearer …</c>. Give this or <see cref="ApiKey"/>, not both.</summary>
    public string? Token { get; init; }

    /// <summary>An API key (<c>chorus_…</c>), sent as <c>X-API-Key</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The tenant to act in, sent as <c>X-Tenant-ID</c>; without it the credential's own tenant.</summary>
    public string? TenantId { get; init; }

    // A record's generated ToString would print the credential.
    /// <inheritdoc/>
    public override string ToString() => $"ChorusClientOptions {{ TenantId = {TenantId} }}";
}
