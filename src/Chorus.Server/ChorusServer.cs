using Chorus.Engine.Hosting;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Brokers;
using Chorus.Server.Collections;
using Chorus.Server.Compat;
using Chorus.Server.Email;
using Chorus.Server.Files;
using Chorus.Server.Hosting;
using Chorus.Server.Llm;
using Chorus.Server.Mysql;
using Chorus.Server.Sms;
using Chorus.Server.Realtime;
using Chorus.Server.RedisEvents;
using Chorus.Server.Secrets;
using Chorus.Server.Security;
using Chorus.Server.Tiers;
using Chorus.Server.Webhooks;
using Chorus.Server.WebUi;
using Chorus.Storage.Postgres;
using Chorus.Storage.Sqlite;
using Chorus.Server.Telemetry;

namespace Chorus.Server;

/// <summary>Builds and runs the Chorus server; the CLI's <c>serve</c> and the tests use the same composition.</summary>
public static class ChorusServer
{
    /// <summary>Reads the environment, runs until stopped, and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = await BuildAsync(args, ServerOptions.FromEnvironment(Environment.GetEnvironmentVariable));
        }
        catch (OptionsException ex)
        {
            await Console.Error.WriteLineAsync($"chorus: invalid configuration: {ex.Message}");
            return 2;
        }
        await using (app)
            await app.RunAsync();
        return 0;
    }

    /// <summary>The configured application, not yet started. <paramref name="configureSteps"/> lets an embedding
    /// application or a test register its own step types.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, ServerOptions options, Action<StepRegistry>? configureSteps = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var listenUrls = ListenUrls(args, options);
        if (ListenCheck.FirstBusy(listenUrls) is { } busy)
            throw new OptionsException($"{busy} is already in use (another server on that port?): choose another with PORT or --urls.");
        builder.WebHost.UseUrls([.. listenUrls]);
        var rejected = new RejectedRequests();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.ConfigureEndpointDefaults(rejected.UseOn);
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        // Lines written inside a span (a request, a step attempt) carry its trace and span ids.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.SetMinimumLevel(options.Environment == "development" ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var store = await OpenStoreAsync(options);
        // Responses carry contexts and outputs as deep as the engine allows, plus the envelope around them.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = StoredJson.MaxReadDepth);
        builder.Services.AddSingleton(options);
        // Loaded before the engine starts, so that its first admissions already apply the tenants' tiers.
        var tierCatalog = new TierCatalog(store, options);
        var tierQuotas = new TierQuotas(tierCatalog, store, options);
        await tierQuotas.RefreshAsync(CancellationToken.None);
        builder.Services.AddSingleton(tierCatalog);
        builder.Services.AddSingleton(tierQuotas);
        builder.Services.AddSingleton<Chorus.Engine.Runtime.ITenantQuotas>(tierQuotas);
        builder.Services.AddSingleton<Chorus.Engine.Runtime.IRetentionPolicy>(tierQuotas);
        builder.Services.AddHostedService<TierQuotaRefresher>();
        // The store was opened above, so that a bad DATABASE_URL stops the process with its reason; the host
        // disposes of it.
        var files = new TenantFiles(store, options.Files, TimeProvider.System);
        builder.Services.AddFiles(files);
        var chorus = builder.Services.AddChorus(_ => options.Engine).UseStore(_ => store).AddEmail(options.Smtp, files).AddLlm(options.Llm, store)
            .AddSms(options.Sms).AddFileSteps(files).AddPublishStep().AddCollections(options.Collections, store)
            .AddMysql(options.Mysql);
        builder.Services.AddSingleton<ICollectionStore>(store);
        if (configureSteps is not null)
            chorus.ConfigureSteps(configureSteps);
        builder.Services.AddRealtime();
        builder.Services.AddRedisEvents(options);
        builder.Services.AddRabbitMqEvents(options);
        builder.Services.AddChorusSecurity(options, listenUrls);
        builder.Services.AddChorusRateLimits(options);
        builder.Services.AddSingleton<TierChecks>();
        // Created now, so that an unreadable secrets key file stops the process at start.
        builder.Services.AddSingleton(SecretVault.CipherFor(options));
        builder.Services.AddSingleton<SecretVault>();
        builder.Services.AddSingleton<Chorus.Engine.Steps.ISecretResolver>(sp => sp.GetRequiredService<SecretVault>());
        builder.Services.AddWebhooks();
        builder.Services.AddBrokerTriggers();
        builder.Services.AddWebUi();
        builder.Services.AddChorusTelemetry();
        builder.Services.AddApiDocument();

        var app = builder.Build();
        var subscription = rejected.Subscribe(app.Services.GetRequiredService<System.Diagnostics.DiagnosticListener>());
        app.Lifetime.ApplicationStopped.Register(subscription.Dispose);
        app.UseSecurityHeaders();
        app.UseChorusErrors();
        app.UseWebUi();
        // Placed here explicitly: otherwise WebApplication inserts the authentication middleware ahead of every
        // app.Use, outside the error handling, and a fault while checking a credential (a store that cannot be read,
        // a scheme without a handler) leaves as a bare 500 with an empty body instead of the error shape.
        app.UseAuthentication();
        app.UseCallers();
        app.UseTierBodyLimit();
        app.UseRateLimiter();
        app.UseRealtime();
        app.MapHealth();
        app.MapMetrics();
        app.MapWorkflows();
        app.MapAvailableSteps();
        app.MapSchedules();
        app.MapExecutions();
        app.MapApiKeys();
        app.MapTiers();
        app.MapSecrets();
        app.MapFiles();
        app.MapCollections();
        app.MapWebhooks();
        app.MapBrokerTriggers();
        app.MapRealtime();
        app.MapCompatRoutes();
        app.MapApiDocument();
        app.MapWebUi();
        app.Lifetime.ApplicationStarted.Register(() => StartBanner.Print(app, options));
        return app;
    }

    /// <summary>Where the server listens: <c>--urls</c>, else ASPNETCORE_URLS, else HOST and PORT.</summary>
    private static List<string> ListenUrls(string[] args, ServerOptions options)
    {
        var urls = args.SkipWhile(a => a != "--urls").Skip(1).FirstOrDefault()
            ?? args.FirstOrDefault(a => a.StartsWith("--urls=", StringComparison.Ordinal))?["--urls=".Length..]
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS")
            ?? $"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{options.Port}";
        return [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static async Task<IChorusStore> OpenStoreAsync(ServerOptions options)
    {
        if (options.PostgresUrl is null)
            return await SqliteStore.OpenAsync(options.DatabasePath, options.FullSync);
        try
        {
            return await PostgresStore.OpenAsync(options.PostgresUrl);
        }
        catch (ArgumentException ex)
        {
            throw new OptionsException($"DATABASE_URL: {ex.Message}");
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new OptionsException($"DATABASE_URL: the PostgreSQL server cannot be used: {ex.Message}");
        }
    }
}
