using Chorus.Server.Compat;
using Chorus.Server.Security;

namespace Chorus.Server.Webhooks;

/// <summary>Everything webhooks add to the server, in one call: the triggers' management API, the hook calls, the
/// resume URLs of waiting steps, and the templates API's webhook route.</summary>
internal static class WebhookEndpoints
{
    /// <summary>Services the webhook routes need, registered before the app is built.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services) => services
        .AddSingleton<WebhookRateLimits>()
        .AddSingleton<WebhookResumeTokens>();

    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhookTriggers();
        // Authenticated by the trigger's secret or the URL's token, not by a credential of the API.
        app.MapPost("/api/hooks/{triggerId}", WebhookCalls.Call).AllowWithoutCredential();
        app.MapPost(WebhookResumeRoute.Pattern, WebhookResumeRoute.Resume).AllowWithoutCredential();
        app.MapTemplatesWebhookRoute();
    }
}
