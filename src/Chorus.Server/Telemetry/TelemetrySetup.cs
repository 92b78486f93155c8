using Chorus.Engine.Telemetry;
using Chorus.Server.Security;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Chorus.Server.Telemetry;

/// <summary>OpenTelemetry for the server. Metrics: Prometheus at <c>/metrics</c>, Chorus's own instruments with
/// ASP.NET Core's, HttpClient's, the .NET runtime's and Npgsql's; they span every tenant, so only the operator role
/// reads them. Traces: exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_*</c> variables name a collector
/// (and <c>OTEL_SERVICE_NAME</c> etc. apply as usual); without one no span is recorded, though executions still
/// carry their trace ids to logs and outgoing calls.</summary>
internal static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddChorusTelemetry(this IServiceCollection services)
    {
        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EngineMetrics.MeterName, ServerMetrics.MeterName, "Npgsql")
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        if (TracesWanted())
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(EngineTracing.SourceName, "Npgsql")
                .AddAspNetCoreInstrumentation(o => o.Filter = http => http.Request.Path != MetricsPath)
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }
        return services;
    }

    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireRole(Role.Operator);

    /// <summary>A collector is named, and traces are not switched off (<c>OTEL_TRACES_EXPORTER=none</c>).</summary>
    private static bool TracesWanted() =>
        Environment.GetEnvironmentVariable("OTEL_TRACES_EXPORTER") != "none" &&
        (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")) ||
         !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")));
}
