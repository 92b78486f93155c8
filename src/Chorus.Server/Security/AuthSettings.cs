namespace Chorus.Server.Security;

/// <summary>How the server verifies tokens. With none of JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_FILE set, it
/// signs and verifies with the generated key file and listens on 127.0.0.1 only.</summary>
public sealed record AuthSettings
{
    /// <summary>JWT_SECRET: the HS256 secret (at least 32 bytes), shared with whoever mints the tokens.</summary>
    public string? JwtSecret { get; init; }

    /// <summary>JWT_PUBLIC_KEY: a PEM public key (RSA or EC), given inline or as the path of a PEM file, for RS256/ES256.</summary>
    public string? JwtPublicKey { get; init; }

    /// <summary>JWT_JWKS_FILE: a JSON Web Key Set file with the identity provider's public keys.</summary>
    public string? JwksFile { get; init; }

    /// <summary>JWT_ISSUER: when set, tokens must carry this <c>iss</c>.</summary>
    public string? Issuer { get; init; }

    /// <summary>JWT_AUDIENCE: when set, tokens must carry this <c>aud</c>.</summary>
    public string? Audience { get; init; }

    /// <summary>CHORUS_KEY_FILE: where the generated key is kept (default beside the database).</summary>
    public string? KeyFile { get; init; }

    /// <summary>True when an operator configured how tokens are verified, which is what allows listening beyond
    /// the loopback interface.</summary>
    public bool IsConfigured => JwtSecret is not null || JwtPublicKey is not null || JwksFile is not null;

    public static AuthSettings FromEnvironment(Func<string, string?> read) => new()
    {
        JwtSecret = Value(read, "JWT_SECRET"),
        JwtPublicKey = Value(read, "JWT_PUBLIC_KEY"),
        JwksFile = Value(read, "JWT_JWKS_FILE"),
        Issuer = Value(read, "JWT_ISSUER"),
        Audience = Value(read, "JWT_AUDIENCE"),
        KeyFile = Value(read, "CHORUS_KEY_FILE"),
    };

    private static string? Value(Func<string, string?> read, string name) => read(name) is { Length: > 0 } value ? value : null;
}
