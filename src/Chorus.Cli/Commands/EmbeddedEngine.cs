using Chorus.Engine.Hosting;
using Chorus.Server.Email;
using Chorus.Server.Hosting;
using Chorus.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Cli.Commands;

/// <summary>An engine in this process on a SQLite file, for <c>chorus run</c> and <c>chorus test</c>: the same steps
/// and outbound HTTP policy as the server, from the same variables.</summary>
internal static class EmbeddedEngine
{
    /// <summary>Runs <paramref name="work"/> with the engine started; without <paramref name="db"/> the store is a
    /// temporary file, deleted afterwards.</summary>
    public static async Task<int> RunAsync(string? db, Func<IServiceProvider, Task<int>> work, CancellationToken ct)
    {
        var temporary = db is null;
        var path = db ?? Path.Combine(Path.GetTempPath(), $"chorus-run-{Guid.NewGuid():N}.db");
        try
        {
            // Loopback and private targets are refused unless HTTP_ALLOW_PRIVATE or HTTP_ALLOW_HOSTS say otherwise.
            var outbound = Read(ServerOptions.OutboundHttpFrom);
            // Steps of the steps services in STEPS_SVC_URL run remotely, as on the server.
            var remote = Read(ServerOptions.RemoteStepsFrom);
            var smtp = Read(SmtpSettings.FromEnvironment);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddChorus(o => o with { OutboundHttp = outbound, RemoteSteps = remote }).UseSqlite(path, fullSync: !temporary).AddEmail(smtp);
            using var host = builder.Build();
            await host.StartAsync(ct);
            try
            {
                return await work(host.Services);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (temporary)
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                    File.Delete(path + suffix);
        }
    }

    /// <summary>Settings from the same variables as the server's (SMTP_*, HTTP_*, STEPS_SVC_*); a bad one is a usage error.</summary>
    private static T Read<T>(Func<Func<string, string?>, T> settings)
    {
        try
        {
            return settings(Environment.GetEnvironmentVariable);
        }
        catch (OptionsException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage);
        }
    }
}
