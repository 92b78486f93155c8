using System.Globalization;
using System.Net.Security;
using Chorus.Server.Hosting;
using MimeKit;

namespace Chorus.Server.Email;

/// <summary>How a connection to the SMTP server is secured.</summary>
public enum SmtpTls
{
    /// <summary>Plain text (a local relay or a development sink).</summary>
    None,
    /// <summary>Plain connection upgraded with STARTTLS; a server that does not offer it is refused.</summary>
    StartTls,
    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Tls,
}

/// <summary>An SMTP server the email step sends through: the server's own (SMTP_* variables) or a step's
/// <c>config.smtp</c>. ToString never shows the password.</summary>
public sealed record SmtpSettings
{
    /// <summary>SMTP_HOST: the server's name or address. Without it the server has no SMTP server of its own.</summary>
    public required string Host { get; init; }

    /// <summary>SMTP_PORT: defaults to 587 with STARTTLS, 465 with TLS, 25 without.</summary>
    public int? Port { get; init; }

    /// <summary>SMTP_USERNAME: authenticate as this user; no authentication when empty.</summary>
    public string? Username { get; init; }

    /// <summary>SMTP_PASSWORD.</summary>
    public string? Password { get; init; }

    /// <summary>SMTP_FROM: the sender when a step names none, e.g. <c>Chorus &lt;noreply@example.org&gt;</c>.</summary>
    public string? From { get; init; }

    /// <summary>SMTP_TLS: none, starttls (default) or tls.</summary>
    public SmtpTls Tls { get; init; } = SmtpTls.StartTls;

    /// <summary>Checks the server's certificate; null uses the system's trust store. Tests trust their own.</summary>
    internal RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    public int EffectivePort => Port ?? Tls switch { SmtpTls.Tls => 465, SmtpTls.StartTls => 587, _ => 25 };

    public override string ToString() =>
        $"smtp {Host}:{EffectivePort} tls={TlsName(Tls)}{(Username is { Length: > 0 } ? $" user={Username}" : "")}";

    public static string TlsName(SmtpTls tls) => tls switch { SmtpTls.None => "none", SmtpTls.Tls => "tls", _ => "starttls" };

    public static bool TryParseTls(string? text, out SmtpTls tls)
    {
        tls = SmtpTls.StartTls;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "none": tls = SmtpTls.None; return true;
            case "starttls": tls = SmtpTls.StartTls; return true;
            case "tls": tls = SmtpTls.Tls; return true;
            default: return false;
        }
    }

    private static readonly string[] Names = ["SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_TLS"];

    /// <summary>The server's SMTP server from SMTP_*; null when SMTP_HOST is not set (and no other SMTP_* is).</summary>
    /// <exception cref="OptionsException">A malformed value, or SMTP_* settings without SMTP_HOST.</exception>
    public static SmtpSettings? FromEnvironment(Func<string, string?> read)
    {
        string? Value(string name) => read(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var host = Value("SMTP_HOST");
        if (host is null)
        {
            // A half-configured server would silently send nothing; say which setting lacks its host.
            var orphan = Names.Skip(1).FirstOrDefault(n => Value(n) is not null);
            return orphan is null ? null : throw new OptionsException($"{orphan} is set but SMTP_HOST is not; set SMTP_HOST to send email.");
        }
        if (host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || host.Contains('/', StringComparison.Ordinal))
            throw new OptionsException($"SMTP_HOST: '{host}' is not a host name or address.");
        int? port = null;
        if (Value("SMTP_PORT") is { } portText)
        {
            if (!int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) || p < 1 || p > 65535)
                throw new OptionsException($"SMTP_PORT: '{portText}' is not a whole number from 1 to 65535.");
            port = p;
        }
        var tls = SmtpTls.StartTls;
        if (Value("SMTP_TLS") is { } tlsText && !TryParseTls(tlsText, out tls))
            throw new OptionsException($"SMTP_TLS: '{tlsText}' must be one of none, starttls, tls.");
        var from = Value("SMTP_FROM");
        if (from is not null && !EmailAddresses.TryParseOne(from, out _))
            throw new OptionsException($"SMTP_FROM: '{from}' is not an email address.");
        var username = Value("SMTP_USERNAME");
        // The password is never part of a message, as is its absence's reason.
        if (Value("SMTP_PASSWORD") is not null && username is null)
            throw new OptionsException("SMTP_PASSWORD is set without SMTP_USERNAME.");
        return new SmtpSettings
        {
            Host = host,
            Port = port,
            Username = username,
            Password = read("SMTP_PASSWORD"),
            From = from,
            Tls = tls,
        };
    }

    /// <summary>The sender: <paramref name="stepFrom"/>, else this server's SMTP_FROM.</summary>
    internal MailboxAddress? Sender(MailboxAddress? stepFrom) =>
        stepFrom ?? (From is not null && EmailAddresses.TryParseOne(From, out var from) ? from : null);
}
