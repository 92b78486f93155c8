using System.CommandLine;
using System.Globalization;
using Chorus.Engine;
using Chorus.Server.Security;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus token</c>: mints a token for a server that signs with JWT_SECRET or its generated key file.
/// Only the token goes to stdout, so <c>TOKEN=$(chorus token …)</c> captures it.</summary>
internal static class TokenCommand
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(12);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    public static Command Create()
    {
        var tenants = new Option<string[]>("--tenant")
        {
            Description = "A tenant the token may act for; repeat for several (the first is its default).",
            Required = true,
        };
        var role = new Option<string>("--role") { Description = "admin, member or viewer (operator: the server's operator, who assigns tiers).", Required = true };
        var subject = new Option<string?>("--subject") { Description = "Who the token is for, its 'sub' (default: your user name)." };
        var ttl = new Option<string?>("--ttl") { Description = "How long the token is valid: 30m, 12h, 7d or a number of seconds (default 12h, at most 365d)." };
        var db = new Option<string?>("--db") { Description = "SQLite database of the server; its key file is beside it (overrides DATABASE_URL, like serve --db)." };
        var command = new Command("token", "Print a token for a server on this machine, signed with JWT_SECRET or the server's generated key file "
            + "(created if the server has not started yet). Issuer and audience follow JWT_ISSUER and JWT_AUDIENCE.")
        {
            tenants, role, subject, ttl, db,
        };
        command.SetAction(parse =>
        {
            try
            {
                Console.Out.WriteLine(Mint(parse.GetValue(tenants) ?? [], parse.GetValue(role), parse.GetValue(subject), parse.GetValue(ttl), parse.GetValue(db)));
                return ExitCodes.Ok;
            }
            catch (CliException ex)
            {
                Terminal.Error(ex.Message);
                return ex.ExitCode;
            }
        });
        return command;
    }

    private static string Mint(string[] tenants, string? roleName, string? subject, string? ttl, string? db)
    {
        if (tenants.Length == 0)
            throw new CliException("--tenant: at least one tenant is required.", ExitCodes.Usage);
        foreach (var tenant in tenants)
            if (!TenantId.IsValid(tenant))
                throw new CliException($"--tenant: '{tenant}' is not a tenant id (1-64 letters, digits, '-', '_' or '.').", ExitCodes.Usage);
        var role = Roles.Parse(roleName) ?? throw new CliException($"--role: '{roleName}' is not admin, member, viewer or operator.", ExitCodes.Usage);
        if (subject is { } s && string.IsNullOrWhiteSpace(s))
            throw new CliException("--subject: a name is required.", ExitCodes.Usage);
        if (db is { Length: 0 })
            throw new CliException("--db: a file path is required.", ExitCodes.Usage);
        var lifetime = ttl is null ? DefaultLifetime : ParseLifetime(ttl);

        var options = LocalSigningKey.Options(db);
        var key = LocalSigningKey.Find(options, create: true)!;
        return LocalSigningKey.Mint(key, options, subject ?? LocalSigningKey.DefaultSubject(), tenants.Distinct().ToList(), role, lifetime);
    }

    /// <summary>30m, 12h, 7d, 90s or a plain number of seconds; more than zero and at most 365 days.</summary>
    public static TimeSpan ParseLifetime(string text)
    {
        var trimmed = text.Trim();
        var unit = trimmed.Length > 0 && char.IsAsciiLetter(trimmed[^1]) ? char.ToLowerInvariant(trimmed[^1]) : 's';
        var number = char.IsAsciiLetter(trimmed.LastOrDefault()) ? trimmed[..^1] : trimmed;
        var seconds = unit switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3600L,
            'd' => 86400L,
            _ => 0L,
        };
        if (seconds == 0 || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count <= 0 || count > MaxLifetime.TotalSeconds / seconds)
            throw new CliException($"--ttl: '{text}' is not a lifetime like 30m, 12h, 7d or a number of seconds, more than zero and at most 365d.", ExitCodes.Usage);
        return TimeSpan.FromSeconds(count * seconds);
    }
}
