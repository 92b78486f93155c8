using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;

namespace Chorus.Server.Sms;

/// <summary>The <c>sendSMS</c> step: one text message through a Twilio-compatible messaging API
/// (<c>POST {base}/2010-04-01/Accounts/{sid}/Messages.json</c>). Output <c>{sid, status, to, from}</c>. Refusals of the
/// message (a bad number, a blocked recipient) and of the credentials are not retried; 429 and 5xx are.</summary>
internal sealed class SendSmsStep(SmsSettings server, HttpClient serverHttp) : IStepHandler
{
    public const string StepType = "sendSMS";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Type => StepType;


    public StepDescription Describe() => SendSmsStepDescription.Value;

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => SmsStepConfig.Validate(step.Config);

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var sms = SmsStepConfig.Read(context.Config, server);
        var url = new Uri(sms.BaseUrl, $"{sms.BaseUrl.AbsolutePath.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(sms.AccountSid)}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([new("To", sms.To), new("From", sms.From), new("Body", sms.Body)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sms.AccountSid}:{sms.AuthToken}")));
        // The same for every delivery of this attempt, for an API that drops repeats.
        request.Headers.Add("Idempotency-Key", context.IdempotencyKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            // A step's own API is reached under the outbound policy, as its http steps are; the server's is the operator's.
            var http = sms.StepEndpoint ? context.Services.Http.Client : serverHttp;
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var answer = Parse(text);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                context.Log("info", $"SMS {answer?["sid"]} to {sms.To}: {answer?["status"]}");
                return StepResult.Done(new JsonObject
                {
                    ["sid"] = answer?["sid"]?.DeepClone(), ["status"] = answer?["status"]?.DeepClone(), ["to"] = sms.To, ["from"] = sms.From,
                });
            }
            var reason = $"{(string?)answer?["message"] ?? response.ReasonPhrase} (status {status}{(answer?["code"] is { } code ? $", code {code}" : "")})";
            context.Log("warning", $"SMS to {sms.To} not sent: {reason}");
            return status switch
            {
                401 or 403 => new StepResult.Failed("sms_unauthorized", $"The messaging API refused the account: {reason}", Retryable: false),
                429 or >= 500 => new StepResult.Failed("sms_unavailable", $"The messaging API could not take the message now: {reason}"),
                _ => new StepResult.Failed("sms_refused", $"The messaging API refused the message: {reason}", answer?.DeepClone(), Retryable: false),
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && OutboundHttp.RefusalIn(ex) is { } refused)
        {
            return new StepResult.Failed(refused.Code, refused.Message, Retryable: false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException)
        {
            return new StepResult.Failed("sms_unavailable", $"The messaging API at {sms.BaseUrl} could not be reached within {Timeout.TotalSeconds:0} s.");
        }
    }

    private static JsonObject? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
