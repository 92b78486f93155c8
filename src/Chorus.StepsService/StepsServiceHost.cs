using System.Text.Json.Nodes;
using Chorus.Steps;
using Chorus.StepsService.Steps;

namespace Chorus.StepsService;

/// <summary>Builds and runs the demo steps service; the tests use the same composition.</summary>
internal static class StepsServiceHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args, StepsServiceOptions.FromEnvironment(Environment.GetEnvironmentVariable));
        }
        catch (StepsOptionsException ex)
        {
            await Console.Error.WriteLineAsync($"chorus-steps: invalid configuration: {ex.Message}");
            return 2;
        }
        await using (app)
            await app.RunAsync();
        return 0;
    }

    public static WebApplication Build(string[] args, StepsServiceOptions options, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls([.. ListenUrls(args, options)]);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddChorusSteps()
            .AddStepHandler<FetchUserStep>()
            .AddStepHandler<ValidateUserStep>()
            .AddStepHandler<TransformDataStep>()
            .AddStepHandler<DecideStep>()
            .AddStepHandler<ApproveUserStep>()
            .AddStepHandler<RejectUserStep>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapChorusSteps();
        // Anything else is not this service's: answer in the same error shape rather than an empty 404.
        app.MapFallback(http => WriteNotFound(http));
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Chorus steps service listening on {Urls}", string.Join(", ", app.Urls)));
        return app;
    }

    /// <summary>Where the service listens: <c>--urls</c>, else ASPNETCORE_URLS, else HOST and PORT (as the server does).</summary>
    private static List<string> ListenUrls(string[] args, StepsServiceOptions options)
    {
        var urls = args.SkipWhile(a => a != "--urls").Skip(1).FirstOrDefault()
            ?? args.FirstOrDefault(a => a.StartsWith("--urls=", StringComparison.Ordinal))?["--urls=".Length..]
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS")
            ?? $"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{options.Port}";
        return [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static readonly System.Text.Json.JsonSerializerOptions RelaxedJson =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Task WriteNotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        http.Response.Headers["X-Request-ID"] = http.TraceIdentifier;
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "not_found",
                ["message"] = $"No route matches {http.Request.Method} {http.Request.Path}; this service answers GET /steps, POST /steps/{{name}} and GET /health.",
                ["retryable"] = false,
                ["details"] = new JsonObject(),
                ["request_id"] = http.TraceIdentifier,
            },
        };
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(body.ToJsonString(RelaxedJson), http.RequestAborted);
    }
}
