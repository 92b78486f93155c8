using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Realtime;

/// <summary>One server for the WebSocket tests of a class, with a step type that fails the way seed 003's
/// example error does; tests keep apart by fresh tenants and workflows.</summary>
public sealed class RealtimeServer : IAsyncLifetime
{
    private ChorusTestServer? _server;

    public HttpClient Client => (_server ?? throw new InvalidOperationException("The server has not started.")).Client;

    public Task<RealtimeClient> ConnectAsync(string? tenant) => RealtimeClient.ConnectAsync(Client, tenant);

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync(registry => registry.Register(new UnreachableCrmStep()));

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>Fails without retry, with the code, message and details its config names.</summary>
    private sealed class UnreachableCrmStep : IStepHandler
    {
        public string Type => "crm_lookup";

        public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
            Task.FromResult<StepResult>(new StepResult.Failed(
                context.Config["code"]!.GetValue<string>(),
                context.Config["message"]!.GetValue<string>(),
                context.Config["details"]?.DeepClone(),
                Retryable: false));
    }
}

/// <summary>Workflow definitions of the WebSocket tests.</summary>
public static class RealtimeWorkflows
{
    /// <summary>Waits for the event "go", then greets the input's name and outputs the greeting.</summary>
    public static JsonObject HoldThenGreet(string version = "1.0.0") => Definitions.Parse("""
        {
          "name": "hold then greet",
          "version": "__VERSION__",
          "status": "active",
          "steps": [
            {"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}, "next": "greet"},
            {"id": "greet", "name": "Greet", "type": "addField", "config": {"field": "greeting", "value": "hello {{input.name}}"}, "next": "done"},
            {"id": "done", "name": "Done", "type": "output", "config": {"value": {"greeting": "{{variables.greeting}}"}}}
          ]
        }
        """.Replace("__VERSION__", version));

    /// <summary>A first step that works, then a CRM lookup that fails as in seed 003.</summary>
    public static JsonObject FailingLookup() => Definitions.Parse("""
        {
          "name": "failing lookup",
          "status": "active",
          "steps": [
            {"id": "prepare", "name": "Prepare", "type": "addField", "config": {"field": "customer", "value": "{{input.customer}}"}, "next": "lookup"},
            {"id": "lookup", "name": "Customer Lookup", "type": "crm_lookup",
             "config": {"code": "external_service_error", "message": "Error connecting to the CRM service", "details": "Timeout after 5000ms"}}
          ]
        }
        """);
}
