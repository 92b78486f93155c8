using System.Security.Cryptography;
using System.Text;
using Chorus.Server.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Chorus.Server.Security;

/// <summary>What a token must be for the server to accept it, from the settings: the keys, the algorithms they
/// allow, expiry with a small clock skew, and issuer and audience when configured. Unsigned tokens (alg none) are
/// never accepted.</summary>
internal static class TokenValidation
{
    /// <summary>Tolerated difference between the minting clock and ours.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private const int MinSecretBytes = 32;

    public static TokenValidationParameters From(ServerOptions options)
    {
        var auth = options.Auth;
        var (keys, algorithms) = KeysFrom(options);
        return new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            ValidateIssuer = auth.Issuer is not null,
            ValidIssuer = auth.Issuer,
            ValidateAudience = auth.Audience is not null,
            ValidAudience = auth.Audience,
            NameClaimType = ChorusClaims.Subject,
            RoleClaimType = ChorusClaims.Role,
        };
    }

    /// <summary>The HS256 key that signs tokens for this server when it mints them itself (JWT_SECRET or the key
    /// file), or null when an identity provider's public keys are configured instead.</summary>
    public static byte[]? SigningKey(ServerOptions options)
    {
        if (options.Auth.JwtSecret is { } secret)
            return SecretBytes(secret);
        if (options.Auth.IsConfigured)
            return null;
        try
        {
            return SigningKeyFile.LoadOrCreate(options.KeyFilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new OptionsException($"CHORUS_KEY_FILE: the signing key {options.KeyFilePath} cannot be read or created: {ex.Message}");
        }
    }

    private static (SecurityKey[] Keys, string[] Algorithms) KeysFrom(ServerOptions options)
    {
        var auth = options.Auth;
        string[] hmac = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];
        string[] asymmetric =
        [
            SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
            SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
            SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        ];
        var keys = new List<SecurityKey>();
        var algorithms = new List<string>();
        if (auth.JwtSecret is { } secret)
        {
            keys.Add(new SymmetricSecurityKey(SecretBytes(secret)));
            algorithms.AddRange(hmac);
        }
        if (auth.JwtPublicKey is { } pem)
        {
            keys.Add(PublicKeyFrom(pem));
            algorithms.AddRange(asymmetric);
        }
        if (auth.JwksFile is { } jwks)
        {
            keys.AddRange(KeySetFrom(jwks));
            algorithms.AddRange(asymmetric);
        }
        if (!auth.IsConfigured)
        {
            keys.Add(new SymmetricSecurityKey(SigningKey(options)!));
            algorithms.AddRange(hmac);
        }
        return (keys.ToArray(), algorithms.Distinct().ToArray());
    }

    private static byte[] SecretBytes(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return bytes.Length >= MinSecretBytes ? bytes
            : throw new OptionsException($"JWT_SECRET: an HS256 secret needs at least {MinSecretBytes} bytes; this one has {bytes.Length}.");
    }

    private static SecurityKey PublicKeyFrom(string pemOrPath)
    {
        var pem = pemOrPath.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal) ? pemOrPath : ReadFile("JWT_PUBLIC_KEY", pemOrPath);
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            // Not an RSA key: try an elliptic-curve one before giving up.
        }
        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new OptionsException("JWT_PUBLIC_KEY: not a PEM RSA or EC public key.");
        }
    }

    private static IList<SecurityKey> KeySetFrom(string path)
    {
        try
        {
            var keys = new JsonWebKeySet(ReadFile("JWT_JWKS_FILE", path)).GetSigningKeys();
            return keys.Count > 0 ? keys : throw new OptionsException($"JWT_JWKS_FILE: {path} holds no signing key.");
        }
        catch (ArgumentException ex)
        {
            throw new OptionsException($"JWT_JWKS_FILE: {path} is not a JSON Web Key Set: {ex.Message}");
        }
    }

    private static string ReadFile(string setting, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OptionsException($"{setting}: {path} cannot be read: {ex.Message}");
        }
    }
}
