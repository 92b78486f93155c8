using Chorus.Engine.Hosting;

namespace Chorus.Server.Sms;

/// <summary>The <c>sendSMS</c> step for a Chorus server, with the SMS_* account as its default.</summary>
public static class SmsRegistration
{
    /// <summary>Adds the <c>sendSMS</c> step type. Workflows using it save even where the server has no SMS account (a
    /// step may name its own); a step with none fails without retries, saying so.</summary>
    public static ChorusBuilder AddSms(this ChorusBuilder chorus, SmsSettings settings)
    {
        // The server's own API is the operator's choice, reached without the outbound policy, like SMTP_HOST.
        var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        return chorus.ConfigureSteps(steps => steps.Register(new SendSmsStep(settings, http)));
    }
}
