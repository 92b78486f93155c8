using Chorus.Server.Hosting;

namespace Chorus.Server.Security;

/// <summary>What the server prints once it listens: where, and how to get a token for it.</summary>
internal static class StartBanner
{
    public static void Print(WebApplication app, ServerOptions options)
    {
        var urls = string.Join(", ", app.Urls);
        Console.WriteLine($"Chorus is listening on {urls}. Every API request but /health needs a token or an API key; the API is described at /docs.");
        if (options.Auth.JwtSecret is not null || !options.Auth.IsConfigured)
        {
            var key = options.Auth.JwtSecret is not null ? "JWT_SECRET" : $"the key in {Path.GetFullPath(options.KeyFilePath)}";
            Console.WriteLine($"Get a token (signed with {key}):  chorus token --tenant acme --role admin");
            Console.WriteLine("  (from a clone: dotnet run --project src/Chorus.Cli -- token --tenant acme --role admin)");
        }
        else
            Console.WriteLine("Tokens come from your identity provider (JWT_PUBLIC_KEY or JWT_JWKS_FILE); the CLI cannot mint them.");
        if (options.Environment == "development" && TokenValidation.SigningKey(options) is { } signingKey)
        {
            var token = TokenIssuer.Mint(signingKey, "development", [Engine.TenantId.Default.Value], Role.Admin.Name(), TimeSpan.FromHours(12),
                options.Auth.Issuer, options.Auth.Audience);
            Console.WriteLine($"Development token (admin of tenant '{Engine.TenantId.Default.Value}', 12 h): {token}");
        }
    }
}
