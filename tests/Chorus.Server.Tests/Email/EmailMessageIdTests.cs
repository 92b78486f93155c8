using Chorus.Server.Email;
using MimeKit;

namespace Chorus.Server.Tests.Email;

/// <summary>The Message-ID is a function of what identifies the send, not of the attempt: a repeated attempt
/// sends the same one (receivers deduplicate on it), another execution, step or message another one.</summary>
public sealed class EmailMessageIdTests
{
    private static readonly Guid Execution = Guid.Parse("01a24961-2769-7dc0-ba2c-136bdab23192");

    private static EmailRequest Email(string to = "ada@example.org", string body = "b") => new()
    {
        Smtp = new SmtpSettings { Host = "h" },
        StepServer = false,
        From = MailboxAddress.Parse("noreply@example.org"),
        To = [MailboxAddress.Parse(to)],
        Cc = [],
        Bcc = [],
        ReplyTo = [],
        Subject = "s",
        Body = body,
        Timeout = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void MessageId_SameSendAgain_IsTheSame() =>
        Assert.Equal(EmailMessages.MessageId("acme", Execution, "mail", Email()), EmailMessages.MessageId("acme", Execution, "mail", Email()));

    [Fact]
    public void MessageId_OtherTenantExecutionStepOrMessage_Differs()
    {
        var ids = new[]
        {
            EmailMessages.MessageId("acme", Execution, "mail", Email()),
            EmailMessages.MessageId("other", Execution, "mail", Email()),
            EmailMessages.MessageId("acme", Guid.NewGuid(), "mail", Email()),
            EmailMessages.MessageId("acme", Execution, "mail[1]", Email()),
            EmailMessages.MessageId("acme", Execution, "mail", Email(to: "bob@example.org")),
            EmailMessages.MessageId("acme", Execution, "mail", Email(body: "other")),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.EndsWith(".chorus@example.org", id));
    }
}
