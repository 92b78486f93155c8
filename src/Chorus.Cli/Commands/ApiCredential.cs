using System.Net.Http.Headers;
using Chorus.Engine;
using Chorus.Server.Security;

namespace Chorus.Cli.Commands;

/// <summary>What the server commands present to the server: a bearer token or an API key.</summary>
internal sealed record ApiCredential(string? Token, string? ApiKey)
{
    /// <summary>How long the token minted for a local server lives: one command's worth.</summary>
    private static readonly TimeSpan LocalLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The credential the options or the environment give (options first), or null for none.</summary>
    public static ApiCredential? Choose(string? tokenOption, string? apiKeyOption)
    {
        if (tokenOption is not null && apiKeyOption is not null)
            throw new CliException("give --token or --api-key, not both.", ExitCodes.Usage);
        if (tokenOption is not null)
            return new ApiCredential(Checked("--token", tokenOption), null);
        if (apiKeyOption is not null)
            return new ApiCredential(null, Checked("--api-key", apiKeyOption));
        var token = Environment.GetEnvironmentVariable("CHORUS_TOKEN") is { Length: > 0 } t ? Checked("CHORUS_TOKEN", t) : null;
        var apiKey = Environment.GetEnvironmentVariable("CHORUS_API_KEY") is { Length: > 0 } k ? Checked("CHORUS_API_KEY", k) : null;
        if (token is not null && apiKey is not null)
            throw new CliException("CHORUS_TOKEN and CHORUS_API_KEY are both set: unset one, or choose with --token or --api-key.", ExitCodes.Usage);
        return token is not null || apiKey is not null ? new ApiCredential(token, apiKey) : null;
    }

    /// <summary>The credential without surrounding blanks; one with blanks or control characters inside cannot be a
    /// header value (the message does not quote it: it is a secret).</summary>
    private static string Checked(string source, string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
            throw new CliException($"{source}: a value is required.", ExitCodes.Usage);
        foreach (var c in trimmed)
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new CliException($"{source}: the value holds spaces or control characters; a token or API key has none.", ExitCodes.Usage);
        return trimmed;
    }

    /// <summary>For a server on this machine, a five-minute admin token of <paramref name="tenant"/> signed with the
    /// key that server uses, when that key exists; null otherwise, and the server will say what it needs. The key
    /// file is never created here: a command that talks to a server must not invent the server's key.</summary>
    public static ApiCredential? Local(Uri server, string? tenant)
    {
        if (!server.IsLoopback)
            return null;
        var tenants = new[] { tenant is { Length: > 0 } t && TenantId.IsValid(t) ? t : TenantId.Default.Value };
        try
        {
            var options = LocalSigningKey.Options(null);
            return LocalSigningKey.Find(options, create: false) is { } key
                ? new ApiCredential(LocalSigningKey.Mint(key, options, LocalSigningKey.DefaultSubject(), tenants, Role.Admin, LocalLifetime), null)
                : null;
        }
        catch (CliException)
        {
            // No usable local key (an identity provider's, a bad setting): send nothing; a 401 explains the rest.
            return null;
        }
    }

    public void AddTo(HttpRequestHeaders headers)
    {
        if (Token is not null)
            headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (ApiKey is not null)
            headers.Add("X-API-Key", ApiKey);
    }

    // A record's generated ToString would print the secret; nothing logs this, but keep it that way.
    public override string ToString() => Token is not null ? "bearer token" : "API key";
}
