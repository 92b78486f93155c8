using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Cli.Commands;

/// <summary>An error answer of the server in its <c>{"error": {code, message, details}}</c> shape.</summary>
internal sealed class ApiException(string code, string message, JsonNode? details) : Exception(message)
{
    public string Code { get; } = code;
    public JsonNode? Details { get; } = details;
}

/// <summary>Talks JSON to a running Chorus server; every failure becomes an <see cref="ApiException"/> or a
/// one-line <see cref="CliException"/>.</summary>
internal sealed class ApiClient(HttpClient http) : IDisposable
{
    /// <summary>The server's address and the headers every request carries (credential, tenant), for the WebSocket.</summary>
    public HttpClient Http => http;

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach the Chorus server at {http.BaseAddress}: {ex.Message}", ExitCodes.Failed);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"the Chorus server at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s.", ExitCodes.Failed);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonNode? json = null;
            try
            {
                json = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                throw new CliException($"the server at {http.BaseAddress} answered {(int)response.StatusCode} with something that is not JSON; is it a Chorus server?", ExitCodes.Failed);
            }
            if (response.IsSuccessStatusCode)
                return json;
            var error = json?["error"];
            throw new ApiException(error?["code"]?.GetValue<string>() ?? $"http_{(int)response.StatusCode}",
                error?["message"]?.GetValue<string>() ?? response.ReasonPhrase ?? "request failed", error?["details"]);
        }
    }

    public void Dispose() => http.Dispose();
}

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

    public async Task<int> RunAsync(ParseResult parse, Func<ApiClient, Task<int>> action)
    {
        var tenant = parse.GetValue(_tenant);
        try
        {
            var credential = ApiCredential.Choose(parse.GetValue(_token), parse.GetValue(_apiKey));
            using var client = Connect(parse.GetValue(_server)!, tenant, credential);
            return await action(client);
        }
        catch (ApiException ex)
        {
            Terminal.Error($"{ex.Code}: {ex.Message}");
            foreach (var line in Terminal.DefinitionErrors(ex.Details))
                Console.Error.WriteLine(line);
            if (ex.Code == "unauthorized")
                Console.Error.WriteLine($"chorus: get a token with `chorus token --tenant {tenant ?? "default"} --role admin` and pass it with --token or CHORUS_TOKEN");
            return ExitCodes.Failed;
        }
        catch (CliException ex)
        {
            Terminal.Error(ex.Message);
            return ex.ExitCode;
        }
    }

    private static ApiClient Connect(string server, string? tenant, ApiCredential? credential)
    {
        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new CliException($"--server: '{server}' is not an http or https URL.", ExitCodes.Usage);
        var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(tenant))
            http.DefaultRequestHeaders.Add("X-Tenant-ID", tenant);
        (credential ?? ApiCredential.Local(uri, tenant))?.AddTo(http.DefaultRequestHeaders);
        return new ApiClient(http);
    }
}
