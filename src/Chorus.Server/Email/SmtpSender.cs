using System.Net.Sockets;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Chorus.Server.Email;

/// <summary>Sends one message through an SMTP server with MailKit, and turns what can go wrong into step failures
/// the engine's retry policy understands: what another attempt may fix (the server down, a 4xx reply, a lost
/// connection, a timeout) is retryable; what it cannot (a 5xx refusal, bad credentials, a server without the
/// TLS or authentication asked for) is final. No message names the password.</summary>
internal static class SmtpSender
{
    /// <summary>The server could not take the message now; another attempt may succeed.</summary>
    public const string SendFailed = "email_send_failed";
    /// <summary>The server refused the message, its sender or a recipient for good (a 5xx reply).</summary>
    public const string Rejected = "email_rejected";
    /// <summary>The server refused the username and password.</summary>
    public const string AuthFailed = "email_auth_failed";

    /// <returns>Null when the server accepted the message; else the failure.</returns>
    /// <param name="policy">Connects under the outbound address policy: given for a server a step named, whose host a
    /// tenant chose; null for the operator's own SMTP_HOST, which may well be a relay on localhost.</param>
    public static async Task<StepResult.Failed?> SendAsync(SmtpSettings smtp, MimeMessage message, TimeSpan timeout,
        TimeProvider time, OutboundHttp? policy, CancellationToken cancellationToken)
    {
        var server = $"{smtp.Host}:{smtp.EffectivePort}";
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        using var client = new SmtpClient { Timeout = (int)Math.Min(timeout.TotalMilliseconds, int.MaxValue) };
        if (smtp.CertificateValidation is { } validate)
            client.ServerCertificateValidationCallback = validate;
        try
        {
            if (policy is null)
                await client.ConnectAsync(smtp.Host, smtp.EffectivePort, Secure(smtp.Tls), linked.Token).ConfigureAwait(false);
            else
                await ConnectThroughAsync(client, policy, smtp, linked.Token).ConfigureAwait(false);
            if (smtp.Username is { Length: > 0 } username)
                await client.AuthenticateAsync(username, smtp.Password ?? "", linked.Token).ConfigureAwait(false);
            await client.SendAsync(message, linked.Token).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, linked.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Failure(SendFailed, $"The SMTP server {server} did not answer within {timeout.TotalSeconds:0.###} s.", server, true);
        }
        catch (OutboundHttpException ex)
        {
            return Failure(ex.Code, $"The SMTP host '{smtp.Host}' is refused by the outbound policy: it is, or resolves to, a loopback, "
                + "private, link-local or otherwise non-public address. An operator may allow it with HTTP_ALLOW_HOSTS.", server, false);
        }
        catch (SmtpCommandException ex)
        {
            return CommandFailure(ex, server);
        }
        catch (AuthenticationException)
        {
            return Failure(AuthFailed, $"The SMTP server {server} refused the username and password.", server, false);
        }
        catch (SslHandshakeException ex)
        {
            // A certificate that does not verify will not verify on the next attempt either.
            return Failure(SendFailed, $"The TLS handshake with the SMTP server {server} failed: {FirstLine(ex.Message)}", server, false);
        }
        catch (NotSupportedException ex)
        {
            // STARTTLS or authentication asked for, and the server does not offer it: never fall back to sending in clear.
            return Failure(ErrorCodes.StepConfigurationError, $"The SMTP server {server}: {ex.Message}", server, false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException)
        {
            return Failure(SendFailed, $"The SMTP server {server} could not be reached or dropped the connection: {FirstLine(ex.Message)}", server, true);
        }
    }

    private static async Task ConnectThroughAsync(SmtpClient client, OutboundHttp policy, SmtpSettings smtp, CancellationToken ct)
    {
        var stream = await policy.ConnectAsync(smtp.Host, smtp.EffectivePort, ct).ConfigureAwait(false);
        try
        {
            await client.ConnectAsync(stream, smtp.Host, smtp.EffectivePort, Secure(smtp.Tls), ct).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SecureSocketOptions Secure(SmtpTls tls) => tls switch
    {
        SmtpTls.None => SecureSocketOptions.None,
        SmtpTls.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    private static StepResult.Failed CommandFailure(SmtpCommandException ex, string server)
    {
        var status = (int)ex.StatusCode;
        var transient = status is >= 400 and < 500;
        var details = new JsonObject
        {
            ["server"] = server,
            ["smtp_status"] = status,
            ["smtp_response"] = FirstLine(ex.Message),
        };
        string what;
        switch (ex.ErrorCode)
        {
            case SmtpErrorCode.RecipientNotAccepted:
                details["recipient"] = ex.Mailbox?.Address;
                what = $"refused the recipient {ex.Mailbox?.Address}";
                break;
            case SmtpErrorCode.SenderNotAccepted:
                details["sender"] = ex.Mailbox?.Address;
                what = $"refused the sender {ex.Mailbox?.Address}";
                break;
            case SmtpErrorCode.MessageNotAccepted:
                what = "refused the message";
                break;
            default:
                what = "answered with an error";
                break;
        }
        var code = transient ? SendFailed : Rejected;
        var message = $"The SMTP server {server} {what} ({status}{(transient ? ", temporarily" : "")}): {FirstLine(ex.Message)}";
        return new StepResult.Failed(code, message, details, Retryable: transient);
    }

    private static StepResult.Failed Failure(string code, string message, string server, bool retryable) =>
        new(code, message, new JsonObject { ["server"] = server }, retryable);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
