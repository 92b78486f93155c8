namespace Chorus.Server.Tests.Telemetry;

/// <summary>The tests that read ASP.NET Core's own instruments run alone. Each test server has its own meter of
/// ASP.NET Core's hosting metrics, all of one name, and OpenTelemetry stops reading every meter of a name once one
/// of them is disposed (open-telemetry/opentelemetry-dotnet#6412): another test's server stopping meanwhile made
/// <c>http_server_request_duration_seconds</c> vanish from this one's /metrics. A server process has one host, so
/// only tests meet this.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry: ASP.NET Core's instruments";
}
