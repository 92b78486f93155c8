using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;

namespace Chorus.Server.Email;

/// <summary>The <c>sendEmail</c> step, also the <c>send_email</c> action: sends one message through the server's
/// SMTP server (SMTP_*) or the step's own <c>config.smtp</c>, whose credentials usually come from the tenant's
/// secrets, with files of the tenant's store as attachments. Output <c>{message_id, accepted, to, subject, attachments}</c>. A workflow that sends email saves even where no SMTP
/// server is configured yet (it can be configured later, or per step); the step then fails without retries, saying so.</summary>
internal sealed class SendEmailStep(SmtpSettings? server, Files.TenantFiles? files = null) : IStepHandler
{
    public const string StepType = "sendEmail";

    public string Type => StepType;

    /// <summary>Where attachments are read from; null where there is no file store (<c>chorus run</c>).</summary>
    private Files.TenantFiles? Files { get; } = files;

    public StepDescription Describe() => SendEmailStepDescription.Value;

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => EmailStepConfig.Validate(step.Config);

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var email = EmailStepConfig.Read(context.Config, server);
        var messageId = EmailMessages.MessageId(context.Tenant.Value, context.ExecutionId, context.Step.Id, email);
        var (attached, missing) = await EmailAttachments.LoadAsync(email.Attachments, Files, context.Tenant, cancellationToken).ConfigureAwait(false);
        if (missing is not null)
            return missing;
        var message = EmailMessages.Build(email, messageId, context.Services.Time.GetUtcNow(), attached);
        var policy = email.StepServer ? context.Services.Http : null;
        var failure = await SmtpSender.SendAsync(email.Smtp, message, email.Timeout, context.Services.Time, policy, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            context.Log("warning", $"Email {message.Subject} not sent via {email.Smtp.Host}: {failure.Message}");
            return failure;
        }
        var accepted = email.Recipients.Select(a => a.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        context.Log("info", $"Email <{messageId}> sent to {accepted.Count} recipient(s) via {email.Smtp.Host}:{email.Smtp.EffectivePort}");
        return StepResult.Done(new JsonObject
        {
            ["message_id"] = $"<{messageId}>",
            ["accepted"] = new JsonArray([.. accepted.Select(a => JsonValue.Create(a))]),
            ["to"] = new JsonArray([.. email.To.Select(a => JsonValue.Create(a.ToString()))]),
            ["subject"] = email.Subject,
            ["attachments"] = new JsonArray([.. attached!.Select(a => JsonValue.Create(a.Name))]),
        });
    }
}
