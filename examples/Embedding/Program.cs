using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Hosting;
using Chorus.Engine.Runtime;
using Chorus.Storage.Sqlite;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddChorus(o => o with { WorkerConcurrency = 8 }).UseSqlite("chorus.db"); // .AddStep<MyStep>()
var app = builder.Build();
app.MapPost("/workflows", async (JsonObject definition, WorkflowService workflows) =>
    (await workflows.CreateAsync(TenantId.Default, definition)).Workflow.Id);
app.MapPost("/workflows/{id:guid}/run", async (Guid id, JsonObject? input, ChorusEngine engine) =>
    (await engine.StartExecutionAsync(TenantId.Default, id, input)).Id);
app.Run();
