using Chorus.Steps;

namespace Chorus.StepsService.Tests.Infrastructure;

/// <summary>Steps services written with the SDK the way a team would, on a free port.</summary>
internal static class SdkServices
{
    public static Task<RunningService> StartAsync(Action<IServiceCollection> addSteps, Action<ChorusStepsOptions>? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddChorusSteps(options);
        addSteps(builder.Services);
        var app = builder.Build();
        app.MapChorusSteps();
        return RunningService.StartAsync(app);
    }

    /// <summary>The demo service as <c>dotnet run</c> composes it, with its log captured.</summary>
    public static Task<RunningService> StartDemoAsync(CapturedLogs logs, Action<IServiceCollection>? configure = null)
    {
        var app = StepsServiceHost.Build(["--urls", "http://127.0.0.1:0"], new StepsServiceOptions(), services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            configure?.Invoke(services);
        });
        return RunningService.StartAsync(app);
    }
}
