using System.Text;
using Chorus.Server.Hosting;
using Chorus.Server.Security;

namespace Chorus.Cli.Commands;

/// <summary>The HS256 key a server on this machine verifies tokens with, found exactly as the server finds it:
/// JWT_SECRET, else the generated key file at <see cref="ServerOptions.KeyFilePath"/>. Servers that verify with an
/// identity provider's public keys have no key here: their tokens come from that provider.</summary>
internal static class LocalSigningKey
{
    // The server refuses shorter secrets; a token signed with one would never be accepted.
    private const int MinSecretBytes = 32;

    public const string FromIdentityProvider =
        "tokens are minted by your identity provider: this server verifies them with JWT_PUBLIC_KEY or JWT_JWKS_FILE, "
        + "so there is no key here to sign with (set JWT_SECRET to use an HS256 secret instead).";

    /// <summary>The key for <paramref name="options"/>. With <paramref name="create"/> the key file is created
    /// when missing (so a token can be minted before the first start); without it a missing file gives null.</summary>
    /// <exception cref="CliException">Only public keys are configured, or JWT_SECRET is too short, or the key file
    /// cannot be read.</exception>
    public static byte[]? Find(ServerOptions options, bool create)
    {
        if (options.Auth.JwtSecret is { } secret)
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            return bytes.Length >= MinSecretBytes ? bytes
                : throw new CliException($"JWT_SECRET: an HS256 secret needs at least {MinSecretBytes} bytes; this one has {bytes.Length}.", ExitCodes.Usage);
        }
        if (options.Auth.IsConfigured)
            throw new CliException(FromIdentityProvider, ExitCodes.Usage);
        var path = options.KeyFilePath;
        try
        {
            return create ? SigningKeyFile.LoadOrCreate(path) : SigningKeyFile.TryLoad(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CliException($"the signing key {path} cannot be {(create ? "read or created" : "read")}: {ex.Message}", ExitCodes.Failed);
        }
    }

    /// <summary>The server's settings from the environment, with <paramref name="databasePath"/> (a command's
    /// <c>--db</c>) in place of DATABASE_URL's file when given, since the key file lives beside the database.</summary>
    public static ServerOptions Options(string? databasePath)
    {
        ServerOptions options;
        try
        {
            options = ServerOptions.FromEnvironment(Environment.GetEnvironmentVariable);
        }
        catch (OptionsException ex)
        {
            throw new CliException($"invalid configuration: {ex.Message}", ExitCodes.Usage);
        }
        return databasePath is null ? options : options with { DatabasePath = databasePath };
    }

    /// <summary>Signs a token with the server's issuer and audience, so the server accepts it.</summary>
    public static string Mint(byte[] key, ServerOptions options, string subject, IReadOnlyList<string> tenants, Role role, TimeSpan lifetime) =>
        TokenIssuer.Mint(key, subject, tenants, role.Name(), lifetime, options.Auth.Issuer, options.Auth.Audience);

    /// <summary>Who the token is for when nobody says: the user running the command.</summary>
    public static string DefaultSubject() => Environment.UserName is { Length: > 0 } user ? user : "chorus-cli";
}
