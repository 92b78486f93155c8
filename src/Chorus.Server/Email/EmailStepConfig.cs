using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using MimeKit;

namespace Chorus.Server.Email;

/// <summary>One email as a step's rendered config describes it, and the SMTP server to send it through.</summary>
internal sealed record EmailRequest
{
    public required SmtpSettings Smtp { get; init; }
    public required MailboxAddress From { get; init; }
    public required List<MailboxAddress> To { get; init; }
    public required List<MailboxAddress> Cc { get; init; }
    public required List<MailboxAddress> Bcc { get; init; }
    public required List<MailboxAddress> ReplyTo { get; init; }
    public required string Subject { get; init; }
    public string? Body { get; init; }
    public string? Html { get; init; }
    /// <summary>Files of the tenant's store to attach.</summary>
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
    public required TimeSpan Timeout { get; init; }
    /// <summary>The step named its own server (<c>config.smtp</c>) rather than using the operator's.</summary>
    public required bool StepServer { get; init; }

    public IEnumerable<MailboxAddress> Recipients => To.Concat(Cc).Concat(Bcc);
}

/// <summary>The email step's config: <c>{to, cc, bcc, subject, body, html, from, reply_to, timeout, smtp, attachments}</c>.
/// Literal values are checked when the workflow is saved; templated ones once rendered, when the step runs.</summary>
internal static class EmailStepConfig
{
    public static readonly string[] AddressFields = ["to", "cc", "bcc", "from", "reply_to"];
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private const int MaxTimeoutSeconds = 600;

    public static IEnumerable<StepConfigIssue> Validate(JsonObject config)
    {
        if (config["to"] is null)
            yield return new("config.to", "Required: the recipient address, a comma-separated list or an array of addresses.");
        foreach (var field in AddressFields)
        {
            if (LiteralAddressError(config[field], field) is { } error)
                yield return new($"config.{field}", error);
        }
        if (config["from"] is JsonArray)
            yield return new("config.from", "Must be one address.");
        if (config["subject"] is null)
            yield return new("config.subject", "Required: the subject line.");
        if (config["body"] is null && config["html"] is null)
            yield return new("config.body", "Required: the text of the message (config.body, or config.html for an HTML message).");
        foreach (var field in new[] { "subject", "body", "html" })
        {
            if (config[field] is { } node && !IsString(node))
                yield return new($"config.{field}", "Must be a string.");
        }
        if (config["timeout"] is { } timeout && !IsTemplate(timeout) && Seconds(timeout) is null)
            yield return new("config.timeout", $"Must be a number of seconds from 1 to {MaxTimeoutSeconds}.");
        if (config["smtp"] is { } smtp)
        {
            foreach (var issue in ValidateSmtp(smtp))
                yield return issue;
        }
        foreach (var issue in EmailAttachments.Validate(config["attachments"]))
            yield return issue;
    }

    private static IEnumerable<StepConfigIssue> ValidateSmtp(JsonNode smtp)
    {
        if (smtp is not JsonObject obj)
        {
            yield return new("config.smtp", "Must be an object {host, port, username, password, from, tls}.");
            yield break;
        }
        if (obj["host"] is not { } host || !IsString(host) || !IsTemplate(host) && string.IsNullOrWhiteSpace(host.GetValue<string>()))
            yield return new("config.smtp.host", "Required: the SMTP server this step sends through.");
        if (obj["port"] is { } port && !IsTemplate(port) && Port(port) is null)
            yield return new("config.smtp.port", "Must be a whole number from 1 to 65535.");
        if (obj["tls"] is { } tls && !IsTemplate(tls) && !(IsString(tls) && SmtpSettings.TryParseTls(tls.GetValue<string>(), out _)))
            yield return new("config.smtp.tls", "Must be one of none, starttls, tls.");
        // A password written into the definition would be shown by every read of it and of its step runs.
        if (obj["password"] is { } password && !IsTemplate(password) && !(IsString(password) && password.GetValue<string>().Length == 0))
            yield return new("config.smtp.password", "Must come from the secret store: \"{{secrets.NAME}}\".");
        if (LiteralAddressError(obj["from"], "smtp.from") is { } error)
            yield return new("config.smtp.from", error);
    }

    /// <summary>The email of a rendered config.</summary>
    /// <exception cref="StepConfigurationException">A missing or malformed field, or no SMTP server to send through.</exception>
    public static EmailRequest Read(JsonObject config, SmtpSettings? server)
    {
        try
        {
            var stepServer = config["smtp"] is JsonObject;
            var smtp = config["smtp"] is JsonObject own ? StepSmtp(own) : server
                ?? throw new StepConfigurationException(
                    "No SMTP server configured: set SMTP_HOST (and SMTP_PORT, SMTP_TLS, SMTP_FROM) on the server, or config.smtp on the step.");
            var from = EmailAddresses.Read(config["from"], "from") is { Count: > 0 } froms ? froms : null;
            if (from is { Count: > 1 })
                throw new StepConfigurationException("config.from must be one address.");
            var sender = smtp.Sender(from?[0]) ?? server?.Sender(null)
                ?? throw new StepConfigurationException("No sender: set config.from on the step, or SMTP_FROM on the server.");
            var to = EmailAddresses.Read(config["to"], "to");
            if (to.Count == 0)
                throw new StepConfigurationException("config.to holds no address.");
            return new EmailRequest
            {
                Smtp = smtp,
                StepServer = stepServer,
                From = sender,
                To = to,
                Cc = EmailAddresses.Read(config["cc"], "cc"),
                Bcc = EmailAddresses.Read(config["bcc"], "bcc"),
                ReplyTo = EmailAddresses.Read(config["reply_to"], "reply_to"),
                Subject = Text(config, "subject") ?? throw new StepConfigurationException("config.subject is required."),
                Body = Text(config, "body"),
                Html = Text(config, "html"),
                Attachments = EmailAttachments.Read(config["attachments"]),
                Timeout = config["timeout"] is { } t
                    ? Seconds(t) is { } s ? TimeSpan.FromSeconds(s) : throw new StepConfigurationException($"config.timeout must be a number of seconds from 1 to {MaxTimeoutSeconds}.")
                    : DefaultTimeout,
            };
        }
        catch (ArgumentException ex)
        {
            throw new StepConfigurationException(ex.Message);
        }
    }

    /// <summary>A step's own server replaces the server's whole, so the server's credentials never go to another
    /// host. Only the sender, which is no secret, still falls back to SMTP_FROM.</summary>
    private static SmtpSettings StepSmtp(JsonObject smtp)
    {
        var host = Text(smtp, "host") is { Length: > 0 } h ? h.Trim() : throw new StepConfigurationException("config.smtp.host is required.");
        var tls = SmtpTls.StartTls;
        if (Text(smtp, "tls") is { } tlsText && !SmtpSettings.TryParseTls(tlsText, out tls))
            throw new StepConfigurationException($"config.smtp.tls '{tlsText}' must be one of none, starttls, tls.");
        int? port = smtp["port"] is { } p ? Port(p) ?? throw new StepConfigurationException("config.smtp.port must be a whole number from 1 to 65535.") : null;
        var from = Text(smtp, "from");
        if (from is not null && !EmailAddresses.TryParseOne(from, out _))
            throw new StepConfigurationException($"config.smtp.from '{from}' is not an email address.");
        return new SmtpSettings
        {
            Host = host,
            Port = port,
            Username = Text(smtp, "username") is { Length: > 0 } user ? user : null,
            Password = Text(smtp, "password"),
            From = from,
            Tls = tls,
        };
    }

    private static string? LiteralAddressError(JsonNode? node, string field)
    {
        if (node is null || IsTemplate(node))
            return null;
        var items = node is JsonArray array ? array.ToList() : [node];
        foreach (var item in items)
        {
            if (item is null || !IsString(item))
                return "Must be an address, a comma-separated list or an array of addresses.";
            var text = item.GetValue<string>();
            if (text.Contains("{{", StringComparison.Ordinal))
                continue;
            if (!EmailAddresses.TryParseList(text, out _, out var error))
                return $"{char.ToUpperInvariant(error![0])}{error[1..]}.";
        }
        return null;
    }

    private static string? Text(JsonObject config, string field) => config[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => throw new StepConfigurationException($"config.{field} must be a string."),
    };

    private static bool IsString(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static bool IsTemplate(JsonNode node) => node is JsonValue && IsString(node) && node.GetValue<string>().Contains("{{", StringComparison.Ordinal);

    private static int? Port(JsonNode node) => WholeNumber(node) is { } n and >= 1 and <= 65535 ? n : null;

    private static int? Seconds(JsonNode node) => WholeNumber(node) is { } n and >= 1 and <= MaxTimeoutSeconds ? n : null;

    /// <summary>A number, or a string of digits as a template renders one.</summary>
    private static int? WholeNumber(JsonNode node)
    {
        if (node is not JsonValue v)
            return null;
        if (v.GetValueKind() == JsonValueKind.Number)
            return v.TryGetValue<int>(out var i) ? i : v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;
        return v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }
}
