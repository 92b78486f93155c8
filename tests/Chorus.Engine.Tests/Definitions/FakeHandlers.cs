using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Definitions;

/// <summary>A handler that does nothing and reports the config issues it was given, so validator tests do
/// not depend on the real built-in steps.</summary>
internal sealed class FakeHandler(string type, Func<StepDefinition, IEnumerable<StepConfigIssue>>? validate = null) : IStepHandler
{
    public string Type { get; } = type;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
        Task.FromResult<StepResult>(StepResult.Done());

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => validate?.Invoke(step) ?? [];
}

internal static class FakeHandlers
{
    public static readonly string[] Types = ["trigger", "action", "condition", "parallel", "join", "wait", "output", "comment"];

    /// <summary>The registry the validator tests use; "http" insists on a config.url like the real one will.</summary>
    public static StepRegistry Registry()
    {
        var registry = new StepRegistry();
        foreach (var type in Types)
            registry.Register(new FakeHandler(type));
        registry.Register(new FakeHandler("http", step =>
            step.Config["url"] is null ? [new StepConfigIssue("config.url", "An http step needs a url.")] : []));
        return registry;
    }
}

/// <summary>Parses test JSON and fails the test on any shape error, so each test starts from a real definition.</summary>
internal static class TestWorkflows
{
    public static WorkflowDefinition Parse(string json)
    {
        var definition = DefinitionParser.Parse(JsonNode.Parse(json), out var errors);
        Assert.Empty(errors);
        Assert.NotNull(definition);
        return definition;
    }

    public static IReadOnlyList<DefinitionError> Validate(string json) =>
        DefinitionValidator.Validate(Parse(json), FakeHandlers.Registry());

    public static IReadOnlyList<DefinitionError> ParseErrors(string json)
    {
        DefinitionParser.Parse(JsonNode.Parse(json), out var errors);
        return errors;
    }
}
