using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Definitions;

/// <summary>Unknown fields and NUL characters are refused when a definition is saved; the editor's fields are kept.</summary>
public class DefinitionFieldsTests
{
    [Fact]
    public void Parse_TypoInAStepField_IsAnErrorNamingTheFieldAndTheStep()
    {
        var errors = TestWorkflows.ParseErrors("""{"name": "x", "steps": [{"id": "a", "type": "trigger", "nxt": "a"}]}""");

        var error = Assert.Single(errors);
        Assert.Equal(("a", "nxt"), (error.StepId, error.Field));
        Assert.Contains("Unknown field 'nxt'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name": "x", "stepz": [], "steps": [{"id": "a", "type": "trigger"}]}""", "stepz")]
    [InlineData("""{"name": "x", "steps": [{"id": "a", "type": "trigger", "retry": {"attempts": 2}}]}""", "retry.attempts")]
    public void Parse_UnknownField_IsAnError(string json, string field)
    {
        Assert.Contains(TestWorkflows.ParseErrors(json), e => e.Field == field);
    }

    [Fact]
    public void Parse_EditorAndRepresentationFields_AreAccepted()
    {
        TestWorkflows.Parse("""
            {"name": "x", "id": "0195a2b0-0000-7000-8000-000000000001", "current_version": 3, "created_at": "2025-01-01T00:00:00Z",
             "updated_at": "2025-01-01T00:00:00Z", "metadata": {"owner": "ops"}, "ui": {"zoom": 1}, "tags": ["a"],
             "steps": [{"id": "a", "type": "trigger", "description": "start", "position": {"x": 10, "y": 20},
                        "ui": {"color": "red"}, "metadata": {}}]}
            """);
    }

    [Theory]
    [InlineData("""{"name": "a\u0000", "steps": [{"id": "a", "type": "trigger"}]}""", "name")]
    [InlineData("""{"name": "x", "steps": [{"id": "a", "type": "trigger", "config": {"deep": ["ok", {"v": "\u0000"}]}}]}""", "steps[0].config.deep[1].v")]
    [InlineData("""{"name": "x", "steps": [{"id": "a", "type": "trigger", "config": {"k\u0000": 1}}]}""", "steps[0].config.k\\u0000")]
    public void Parse_NulCharacterAnywhere_IsAnErrorWithItsPath(string json, string field)
    {
        Assert.Contains(TestWorkflows.ParseErrors(json), e => e.Field == field && e.Message.Contains("NUL", StringComparison.Ordinal));
    }

    public static TheoryData<string> ExampleFiles
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "examples"), "*.json"))
                data.Add(Path.GetFileName(file));
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Validate_ExampleWorkflowOfTheRepository_IsValid(string file)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", file)));
        var registry = BuiltInSteps.CreateRegistry();
        foreach (var type in TypesFromOutsideTheEngine)
            registry.Register(new OfferedElsewhere(type));
        var service = new WorkflowService(new NoStore(), registry, TimeProvider.System);

        service.Validate(json);
    }

    /// <summary>Step types the examples use that the server (sendEmail) and the demo steps service (the Discovery
    /// steps) provide; DiscoveryDemoTests and the server's email tests save those examples against the real ones.</summary>
    private static readonly string[] TypesFromOutsideTheEngine =
        ["sendEmail", "fetch_user", "validate_user", "transform_data", "decide", "approve_user", "reject_user"];

    private sealed class OfferedElsewhere(string type) : IStepHandler
    {
        public string Type => type;

        public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Only validated here.");
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("The repository root (Chorus.slnx) was not found above the test binaries.");
    }

    /// <summary>Validation reads no store; saving is not what these tests do.</summary>
    private sealed class NoStore : Chorus.Engine.Storage.IWorkflowStore
    {
        public Task<bool> CreateWorkflowAsync(Chorus.Engine.Storage.WorkflowRecord workflow, Chorus.Engine.Storage.WorkflowVersionRecord firstVersion, CancellationToken ct) => throw new NotSupportedException();
        public Task<Chorus.Engine.Storage.WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct) => throw new NotSupportedException();
        public Task<Chorus.Engine.Storage.Page<Chorus.Engine.Storage.WorkflowRecord>> ListWorkflowsAsync(TenantId tenant, int offset, int limit, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> UpdateWorkflowAsync(Chorus.Engine.Storage.WorkflowRecord workflow, Chorus.Engine.Storage.WorkflowVersionRecord? newVersion, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> DeleteWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct) => throw new NotSupportedException();
        public Task<Chorus.Engine.Storage.WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<Chorus.Engine.Storage.WorkflowVersionRecord>> ListVersionsAsync(TenantId tenant, Guid workflowId, CancellationToken ct) => throw new NotSupportedException();
    }
}
