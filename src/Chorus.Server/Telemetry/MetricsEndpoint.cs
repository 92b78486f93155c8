using Chorus.Engine.Telemetry;
using Chorus.Server.Security;
using OpenTelemetry.Metrics;

namespace Chorus.Server.Telemetry;

/// <summary>Prometheus metrics at <c>/metrics</c>: Chorus's own instruments with ASP.NET Core's, HttpClient's, the
/// .NET runtime's and Npgsql's. They span every tenant, so only the operator role reads them.</summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddChorusMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EngineMetrics.MeterName, ServerMetrics.MeterName, "Npgsql")
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(Path).RequireRole(Role.Operator);
}
