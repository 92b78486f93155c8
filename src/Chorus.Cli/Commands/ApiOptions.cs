using System.CommandLine;
using Chorus.Client;

namespace Chorus.Cli.Commands;

/// <summary>The options every server command shares, and the run loop that turns failures into exit codes.</summary>
internal sealed class ApiOptions
{
    private const string DefaultServer = "http://127.0.0.1:8000";

    private readonly Option<string> _server = new("--server")
    {
        Description = $"URL of the Chorus server (default: CHORUS_URL or {DefaultServer}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHORUS_URL") is { Length: > 0 } url ? url : DefaultServer,
        Recursive = true,
    };

    private readonly Option<string?> _tenant = new("--tenant") { Description = "Tenant id, sent as X-Tenant-ID.", Recursive = true };

    // No DefaultValueFactory: help would print the environment's credential as the default.
    private readonly Option<string?> _token = new("--token")
    {
        Description = "Bearer token (default: CHORUS_TOKEN). Without a token or API key, a server on this machine gets a "
            + "short-lived admin token signed with its local key.",
        Recursive = true,
    };

    private readonly Option<string?> _apiKey = new("--api-key") { Description = "API key, sent as X-API-Key (default: CHORUS_API_KEY).", Recursive = true };

    public void AddTo(Command command)
    {
        command.Add(_server);
        command.Add(_tenant);
        command.Add(_token);
        command.Add(_apiKey);
    }

    public Task<int> RunAsync(ParseResult parse, Func<ChorusClient, Task<int>> action) =>
        RunAsync(parse, (client, _) => action(client));

    /// <summary>Runs <paramref name="action"/> with a client of the server and the HttpClient under it, whose default
    /// headers carry the credential and tenant (the WebSocket sends them too).</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<ChorusClient, HttpClient, Task<int>> action)
    {
        var tenant = parse.GetValue(_tenant);
        try
        {
            var credential = ApiCredential.Choose(parse.GetValue(_token), parse.GetValue(_apiKey));
            using var http = Connect(parse.GetValue(_server)!, tenant, credential);
            return await action(new ChorusClient(http), http);
        }
        catch (ChorusApiException ex)
        {
            Terminal.Error($"{ex.Code}: {ex.Message}");
            foreach (var line in Terminal.DefinitionErrors(ex.Details))
                Console.Error.WriteLine(line);
            if (ex.Code == "unauthorized")
                Console.Error.WriteLine($"chorus: get a token with `chorus token --tenant {tenant ?? "default"} --role admin` and pass it with --token or CHORUS_TOKEN");
            return ExitCodes.Failed;
        }
        catch (ChorusConnectionException ex)
        {
            Terminal.Error(ex.Message);
            return ExitCodes.Failed;
        }
        catch (CliException ex)
        {
            Terminal.Error(ex.Message);
            return ex.ExitCode;
        }
    }

    private static HttpClient Connect(string server, string? tenant, ApiCredential? credential)
    {
        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new CliException($"--server: '{server}' is not an http or https URL.", ExitCodes.Usage);
        var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(tenant))
            http.DefaultRequestHeaders.Add("X-Tenant-ID", tenant);
        (credential ?? ApiCredential.Local(uri, tenant))?.AddTo(http.DefaultRequestHeaders);
        return http;
    }
}
