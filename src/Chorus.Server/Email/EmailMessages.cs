using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Chorus.Server.Email;

/// <summary>Builds the MIME message of an email step.</summary>
internal static class EmailMessages
{
    public static MimeMessage Build(EmailRequest email, string messageId, DateTimeOffset date, IReadOnlyList<AttachedFile>? attachments = null)
    {
        var message = new MimeMessage();
        message.From.Add(email.From);
        message.To.AddRange(email.To);
        message.Cc.AddRange(email.Cc);
        // MailKit sends Bcc recipients in the envelope only and leaves the header out of what it transmits.
        message.Bcc.AddRange(email.Bcc);
        message.ReplyTo.AddRange(email.ReplyTo);
        message.Subject = email.Subject;
        message.MessageId = messageId;
        message.Date = date;
        var body = new BodyBuilder { TextBody = email.Body, HtmlBody = email.Html };
        foreach (var file in attachments ?? [])
        {
            // Base64 for every file, text too: other encodings turn a text part's line breaks into CRLF on the way,
            // and an attached file arrives byte for byte as it is stored.
            if (body.Attachments.Add(file.Name, file.Content, ContentType.Parse(file.ContentType)) is MimePart part)
                part.ContentTransferEncoding = ContentEncoding.Base64;
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>The Message-ID (without its angle brackets). It is derived from what identifies this send, never
    /// drawn at random: the tenant, the execution and the step (not the attempt) plus the message itself. So an
    /// attempt the engine runs again (a crash after the server accepted the message, a retry after a timeout
    /// that hid a delivery) sends the very same Message-ID, and a receiver that deduplicates on it keeps one
    /// copy. A different message from the same step (other recipients or text after a fix) gets another id.</summary>
    public static string MessageId(string tenant, Guid executionId, string stepId, EmailRequest email)
    {
        var identity = new StringBuilder()
            .Append(tenant).Append('\n').Append(executionId.ToString("N")).Append('\n').Append(stepId).Append('\n')
            .Append(email.From.Address).Append('\n')
            .AppendJoin(',', email.To.Select(a => a.Address)).Append('\n')
            .AppendJoin(',', email.Cc.Select(a => a.Address)).Append('\n')
            .AppendJoin(',', email.Bcc.Select(a => a.Address)).Append('\n')
            .Append(email.Subject).Append('\n').Append(email.Body).Append('\n').Append(email.Html);
        // Only messages with attachments add them, so the ids of messages without any stay what they were.
        if (email.Attachments.Count > 0)
            identity.Append('\n').AppendJoin(',', email.Attachments.Select(a => $"{a.FileId:N}:{a.Name}"));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity.ToString())))[..32];
        return $"{hash}.chorus@{Domain(email.From.Address)}";
    }

    private static string Domain(string address)
    {
        var domain = address[(address.LastIndexOf('@') + 1)..];
        // An internationalised domain goes into the header as ASCII; a domain that is not one gets a neutral name.
        try
        {
            return new System.Globalization.IdnMapping().GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return "chorus.local";
        }
    }
}
