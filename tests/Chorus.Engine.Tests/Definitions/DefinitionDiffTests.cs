using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

public class DefinitionDiffTests
{
    private const string Base = """
        {"name": "Onboarding", "version": "1.0.0", "steps": [
          {"id": "start", "type": "trigger", "next": "mail"},
          {"id": "mail", "type": "action", "config": {"action": "send_email", "to": "a@b.c"}, "next": "done"},
          {"id": "done", "type": "output"}
        ]}
        """;

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public void Compare_SameJson_IsEmpty()
    {
        var diff = DefinitionDiff.Compare(Json(Base), Json(Base));

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Compare_PropertyOrderAndAbsentVersusNull_AreNotChanges()
    {
        var reordered = Json("""
            {"version": "1.0.0", "description": null, "name": "Onboarding", "steps": [
              {"type": "trigger", "id": "start", "next": "mail"},
              {"id": "mail", "next": "done", "type": "action", "config": {"to": "a@b.c", "action": "send_email"}},
              {"id": "done", "type": "output"}
            ]}
            """);

        Assert.True(DefinitionDiff.Compare(Json(Base), reordered).IsEmpty);
    }

    [Fact]
    public void Compare_AddedAndRemovedSteps_ListedById()
    {
        var to = Json(Base);
        var steps = to["steps"]!.AsArray();
        steps.RemoveAt(2);
        steps.Add(new JsonObject { ["id"] = "log", ["type"] = "action" });
        steps.Add(new JsonObject { ["id"] = "finish", ["type"] = "output" });

        var diff = DefinitionDiff.Compare(Json(Base), to);

        Assert.Equal(["log", "finish"], diff.AddedSteps);
        Assert.Equal(["done"], diff.RemovedSteps);
        Assert.Empty(diff.ChangedSteps);
    }

    [Fact]
    public void Compare_ChangedStep_NamesTopLevelFields()
    {
        var to = Json(Base);
        var mail = to["steps"]![1]!;
        mail["config"]!["to"] = "x@y.z";
        mail["next"] = "start";
        mail["retry"] = new JsonObject { ["max_attempts"] = 3 };

        var diff = DefinitionDiff.Compare(Json(Base), to);

        var change = Assert.Single(diff.ChangedSteps);
        Assert.Equal("mail", change.StepId);
        Assert.Equal(["config", "next", "retry"], change.Fields);
    }

    [Fact]
    public void Compare_RemovedStepField_IsAChange()
    {
        var to = Json(Base);
        to["steps"]![0]!.AsObject().Remove("next");

        var diff = DefinitionDiff.Compare(Json(Base), to);

        var change = Assert.Single(diff.ChangedSteps);
        Assert.Equal("start", change.StepId);
        Assert.Equal(["next"], change.Fields);
    }

    [Fact]
    public void Compare_WorkflowFields_ListedInFixedOrder()
    {
        var to = Json(Base);
        to["version"] = "1.1.0";
        to["name"] = "Onboarding v2";
        to["input_schema"] = new JsonObject { ["type"] = "object" };
        to["timeout"] = "1h";
        to["start_at"] = "start";
        to["description"] = "now described";
        to["status"] = "archived";

        var diff = DefinitionDiff.Compare(Json(Base), to);

        Assert.Equal(["name", "description", "version", "input_schema", "start_at", "timeout"], diff.ChangedFields);
        Assert.Empty(diff.ChangedSteps);
    }

    [Fact]
    public void Compare_StepsWithoutIdsOrNotArrays_AreIgnored()
    {
        var from = Json("""{"steps": 5}""");
        var to = Json("""{"steps": [1, {"type": "action"}, {"id": 4}, {"id": "a", "type": "action"}]}""");

        var diff = DefinitionDiff.Compare(from, to);

        Assert.Equal(["a"], diff.AddedSteps);
        Assert.Empty(diff.RemovedSteps);
    }
}
