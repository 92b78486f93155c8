using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

/// <summary>Both condition styles (SPEC §2), and the checks delegated to the expression, template and schema
/// validators. The seed tests and the delegated checks depend on those validators being implemented.</summary>
public class ConditionValidationTests
{
    private const string Seed002SchemaExample = """
        {
          "steps": [
            {
              "id": "validate_input",
              "name": "Validate Input Data",
              "type": "condition",
              "conditions": [
                {
                  "field": "email",
                  "operator": "contains",
                  "value": "@"
                }
              ],
              "next_steps": ["send_welcome", "send_error"]
            },
            {
              "id": "send_welcome",
              "name": "Send Welcome Email",
              "type": "action",
              "config": {
                "action": "send_email",
                "to": "{{variables.email}}",
                "subject": "Welcome!",
                "body": "Welcome to our platform!"
              },
              "next_steps": ["log_success"]
            },
            {
              "id": "send_error",
              "name": "Log Invalid Email",
              "type": "action",
              "config": {
                "action": "log_message",
                "message": "Invalid email provided: {{variables.email}}",
                "level": "error"
              }
            },
            {
              "id": "log_success",
              "name": "Log Success",
              "type": "action",
              "config": {
                "action": "log_message",
                "message": "Welcome email sent successfully",
                "level": "info"
              }
            }
          ]
        }
        """;

    private static string Seed003With(string conditionsJson) => $$$"""
        {"name": "Lead enrichment", "steps": [
          {"id": "input", "type": "trigger", "next": "lookup"},
          {"id": "lookup", "type": "action", "next": "enrich_data"},
          {"id": "enrich_data", "type": "action", "next": "decision"},
          {"id": "decision", "type": "condition", "name": "Check Enrichment Success",
           "config": {"conditions": {{{conditionsJson}}}, "default": "output_failure"}},
          {"id": "output_success", "type": "output"},
          {"id": "output_failure", "type": "output"}
        ]}
        """;

    private static string Structured(string config, string nextSteps = """["yes", "no"]""") => $$"""
        {"steps": [{"id": "check", "type": "condition", "config": {{config}}, "next_steps": {{nextSteps}}},
                   {"id": "yes", "type": "output"}, {"id": "no", "type": "output"}{{(nextSteps.Contains("maybe") ? ", {\"id\": \"maybe\", \"type\": \"output\"}" : "")}}]}
        """;

    [Fact]
    public void Parse_Seed002SchemaExample_KeepsStepLevelConditionsAndRoutes()
    {
        var definition = TestWorkflows.Parse(Seed002SchemaExample);

        var graph = WorkflowGraph.Build(definition);

        Assert.Equal(["validate_input", "send_welcome", "send_error", "log_success"], definition.Steps.Select(s => s.Id));
        Assert.Equal("contains", definition.Steps[0].Conditions?[0]?["operator"]?.GetValue<string>());
        Assert.Equal(["send_welcome", "send_error"], graph.Successors("validate_input"));
        Assert.Equal(["send_welcome"], graph.Predecessors("log_success"));
    }

    [Fact]
    public void Validate_Seed002SchemaExample_HasNoErrors()
    {
        var definition = TestWorkflows.Parse(Seed002SchemaExample);

        var errors = DefinitionValidator.Validate(definition, FakeHandlers.Registry());

        Assert.Equal("Untitled workflow", definition.Name);
        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_Seed003ExpressionCondition_HasNoErrors()
    {
        var errors = TestWorkflows.Validate(Seed003With("""[{"condition": "$.enrich_data.success == true", "next": "output_success"}]"""));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ExpressionSyntaxError_ReportsConditionWithPosition()
    {
        var errors = TestWorkflows.Validate(Seed003With("""
            [{"condition": "$.enrich_data.success == true", "next": "output_success"},
             {"condition": "$.enrich_data.success == (", "next": "output_success"}]
            """));

        var error = Assert.Single(errors);
        Assert.Equal(("decision", "config.conditions[1].condition"), (error.StepId, error.Field));
        Assert.Contains("position", error.Message);
    }

    [Fact]
    public void Validate_TemplateError_ReportsConfigPath()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "mail", "type": "action", "config": {"action": "send_email", "to": "{{ variables. }}"}}]}
            """);

        var error = Assert.Single(errors);
        Assert.Equal("mail", error.StepId);
        Assert.StartsWith("config.to", error.Field);
    }

    [Fact]
    public void Validate_BadInputSchema_ReportsInputSchemaPath()
    {
        var errors = TestWorkflows.Validate("""
            {"input_schema": {"type": "object", "properties": {"age": {"type": "banana"}}},
             "steps": [{"id": "a", "type": "trigger"}]}
            """);

        var error = Assert.Single(errors);
        Assert.Null(error.StepId);
        Assert.StartsWith("input_schema", error.Field);
    }

    [Theory]
    [InlineData("""{"field": "status", "operator": "equals", "value": "active"}""")]
    [InlineData("""{"field": "status", "operator": "exists"}""")]
    [InlineData("""{"field": "role", "operator": "in", "value": ["admin", "owner"]}""")]
    [InlineData("""{"field": "score", "operator": "greater_than_or_equal", "value": 10}""")]
    [InlineData("""{"field": "x", "value": 1}""")] // the step compares for equality without an operator
    public void Validate_StructuredCondition_IsValid(string config) =>
        Assert.Empty(TestWorkflows.Validate(Structured(config)));

    [Theory]
    [InlineData("""{"operator": "equals", "value": 1}""", "config.field")]
    [InlineData("""{"field": 3, "operator": "equals", "value": 1}""", "config.field")]
    [InlineData("""{"field": "x", "operator": 5, "value": 1}""", "config.operator")]
    [InlineData("""{"field": "x", "operator": "resembles", "value": 1}""", "config.operator")]
    [InlineData("""{"field": "x", "operator": "equals"}""", "config.value")]
    [InlineData("""{"field": "x", "operator": "in", "value": 5}""", "config.value")]
    [InlineData("""{}""", "config.field")]
    public void Validate_BadStructuredCondition_ReportsField(string config, string field)
    {
        var errors = TestWorkflows.Validate(Structured(config));

        Assert.Contains(errors, e => e.StepId == "check" && e.Field == field);
    }

    [Fact]
    public void Validate_ConfigListOfStructuredConditions_IsCheckedAsOne_RoutedByNextSteps()
    {
        var valid = TestWorkflows.Validate(Structured("""{"conditions": [{"field": "a", "operator": "exists"}, {"field": "b", "value": 2}]}"""));
        var bad = TestWorkflows.Validate(Structured("""{"conditions": [{"field": "a", "operator": "exists"}, {"field": "b", "operator": "like", "value": 1}]}"""));

        Assert.Empty(valid);
        Assert.Equal(("check", "config.conditions[1].operator"), Assert.Single(bad) is var e ? (e.StepId, e.Field) : default);
    }

    [Fact]
    public void Validate_ExpressionConditionWrittenAsATemplate_IsTheExpression()
    {
        var valid = TestWorkflows.Validate("""
            {"steps": [{"id": "check", "type": "condition", "config": {"conditions": [{"condition": "{{ $.input.x > 1 }}", "next": "yes"}], "default": "yes"}},
                       {"id": "yes", "type": "output"}]}
            """);
        var bad = TestWorkflows.Validate("""
            {"steps": [{"id": "check", "type": "condition", "config": {"conditions": [{"condition": "{{ $.input.x > }}", "next": "yes"}]}},
                       {"id": "yes", "type": "output"}]}
            """);

        Assert.Empty(valid);
        var error = Assert.Single(bad);
        Assert.Equal("config.conditions[0].condition", error.Field);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, "at position"));
    }

    [Fact]
    public void Validate_StructuredConditionWithThreeRoutes_ReportsNextSteps()
    {
        var errors = TestWorkflows.Validate(Structured("""{"field": "x", "operator": "exists"}""", """["yes", "no", "maybe"]"""));

        Assert.Equal(("check", "next_steps"), Assert.Single(errors) is var e ? (e.StepId, e.Field) : default);
    }

    [Fact]
    public void Validate_StepLevelConditionWithUnknownOperator_ReportsItsIndex()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "check", "type": "condition", "next_steps": ["yes"],
                        "conditions": [{"field": "a", "operator": "exists"}, {"field": "b", "operator": "like", "value": 1}]},
                       {"id": "yes", "type": "output"}]}
            """);

        var error = Assert.Single(errors);
        Assert.Equal(("check", "conditions[1].operator"), (error.StepId, error.Field));
        Assert.Contains("like", error.Message);
    }

    [Fact]
    public void Validate_EmptyStepLevelConditions_ReportsConditions()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "check", "type": "condition", "conditions": [], "next_steps": ["yes"]}, {"id": "yes", "type": "output"}]}
            """);

        Assert.Equal(("check", "conditions"), Assert.Single(errors) is var e ? (e.StepId, e.Field) : default);
    }

    [Theory]
    [InlineData("""[{"condition": "", "next": "output_success"}]""", "config.conditions[0].condition")]
    [InlineData("""[{"condition": 1, "next": "output_success"}]""", "config.conditions[0].condition")]
    [InlineData("""["$.x"]""", "config.conditions[0]")]
    public void Validate_MalformedExpressionBranch_ReportsField(string conditions, string field)
    {
        var errors = TestWorkflows.Validate(Seed003With(conditions));

        Assert.Contains(errors, e => e.StepId == "decision" && e.Field == field);
    }

    [Fact]
    public void Validate_ExpressionBranchWithoutNext_ReportsNext()
    {
        // Without a condition text so that only the route is checked, not the expression parser.
        var errors = TestWorkflows.Validate(Seed003With("""[{"goto": "output_success"}]"""));

        Assert.Contains(errors, e => e is { StepId: "decision", Field: "config.conditions[0].next" });
        Assert.Contains(errors, e => e is { StepId: "output_success", Field: "id" });
    }

    [Fact]
    public void Validate_NonStringDefault_ReportsDefault()
    {
        var json = Seed003With("""[{"next": "output_success"}]""").Replace("\"default\": \"output_failure\"", "\"default\": 7", StringComparison.Ordinal);

        var errors = TestWorkflows.Validate(json);

        Assert.Contains(errors, e => e is { StepId: "decision", Field: "config.default" });
    }
}
