using Chorus.Engine.Hosting;

namespace Chorus.Server.Email;

internal static class EmailRegistration
{
    /// <summary>Adds the <c>sendEmail</c> step type, which the <c>send_email</c> action also runs, sending through
    /// <paramref name="smtp"/> unless a step names its own server.</summary>
    public static ChorusBuilder AddEmail(this ChorusBuilder chorus, SmtpSettings? smtp) =>
        chorus.ConfigureSteps(steps => steps.Register(new SendEmailStep(smtp)));
}
