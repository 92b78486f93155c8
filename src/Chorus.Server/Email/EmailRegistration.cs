using Chorus.Engine.Hosting;

namespace Chorus.Server.Email;

/// <summary>Email for a Chorus host: the server and <c>chorus run</c> call it with the SMTP_* settings.</summary>
public static class EmailRegistration
{
    /// <summary>Adds the <c>sendEmail</c> step type, which the <c>send_email</c> action also runs, sending through
    /// <paramref name="smtp"/> unless a step names its own server.</summary>
    public static ChorusBuilder AddEmail(this ChorusBuilder chorus, SmtpSettings? smtp) => AddEmail(chorus, smtp, null);

    /// <summary>As <see cref="AddEmail(ChorusBuilder, SmtpSettings?)"/>, with attachments read from the tenants'
    /// file store; without one (<c>chorus run</c>), a step with attachments fails saying so.</summary>
    internal static ChorusBuilder AddEmail(this ChorusBuilder chorus, SmtpSettings? smtp, Files.TenantFiles? files) =>
        chorus.ConfigureSteps(steps => steps.Register(new SendEmailStep(smtp, files)));
}
