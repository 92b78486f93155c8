using System.CommandLine;
using Chorus.Server;
using Chorus.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus serve</c>: the server with the same environment variables as the server's own host.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "Port to listen on; overrides PORT (default 8000)." };
        var db = new Option<string?>("--db") { Description = "SQLite database file; overrides DATABASE_URL (default chorus.db)." };
        var command = new Command("serve", "Run the Chorus server: REST API, WebSocket and engine workers on an embedded SQLite store.")
        {
            port, db,
        };
        command.SetAction((parse, ct) => ServeAsync(parse.GetValue(port), parse.GetValue(db), ct));
        return command;
    }

    private static async Task<int> ServeAsync(int? port, string? db, CancellationToken ct)
    {
        ServerOptions options;
        try
        {
            options = ServerOptions.FromEnvironment(Environment.GetEnvironmentVariable);
        }
        catch (OptionsException ex)
        {
            Terminal.Error($"invalid configuration: {ex.Message}");
            return ExitCodes.Usage;
        }
        if (port is < 0 or > 65535)
        {
            Terminal.Error($"--port: '{port}' is not a port from 0 to 65535.");
            return ExitCodes.Usage;
        }
        if (db is { Length: 0 })
        {
            Terminal.Error("--db: a file path is required.");
            return ExitCodes.Usage;
        }
        options = options with { Port = port ?? options.Port, DatabasePath = db ?? options.DatabasePath };

        WebApplication app;
        try
        {
            app = await ChorusServer.BuildAsync([], options);
        }
        catch (OptionsException ex)
        {
            // Listening beyond 127.0.0.1 without a configured key, a short JWT_SECRET, an unreadable key file ...
            Terminal.Error($"invalid configuration: {ex.Message}");
            return ExitCodes.Usage;
        }
        await using (app)
        {
            await app.StartAsync(ct);
            // Ctrl+C reaches both the host's lifetime and this token; either one stops the server gracefully.
            await app.WaitForShutdownAsync(ct);
        }
        return ExitCodes.Ok;
    }
}
