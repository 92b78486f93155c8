using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>Reads <c>tests</c>: the test cases a workflow carries. Their step ids are checked against the steps
/// by the validator.</summary>
internal static partial class DefinitionParser
{
    internal const int MaxTestCases = 50;
    internal const int MaxTestEvents = 100;
    internal static readonly string[] TestStatuses = ["completed", "failed", "waiting", "cancelled"];
    private static readonly HashSet<string> TestCaseFields = ["name", "input", "events", "inputs", "expect"];
    private static readonly HashSet<string> TestEventFields = ["name", "data"];
    private static readonly HashSet<string> ExpectFields = ["status", "output", "path"];

    private static List<WorkflowTestCase> ReadTests(JsonObject root, List<DefinitionError> errors)
    {
        var cases = new List<WorkflowTestCase>();
        if (root["tests"] is not { } node)
            return cases;
        if (node is not JsonArray array)
        {
            errors.Add(new DefinitionError(null, "tests", $"'tests' must be an array of test cases, not {Describe(node)}."));
            return cases;
        }
        if (array.Count > MaxTestCases)
        {
            errors.Add(new DefinitionError(null, "tests", $"A workflow carries at most {MaxTestCases} test cases; this one has {array.Count}."));
            return cases;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var at = new Location(null, $"tests[{i}].");
            if (array[i] is not JsonObject obj)
            {
                errors.Add(new DefinitionError(null, $"tests[{i}]", $"A test case must be an object, not {Describe(array[i])}."));
                continue;
            }
            var before = errors.Count;
            RefuseUnknownFields(obj, TestCaseFields, at, errors);
            var name = ReadString(obj, "name", at, errors, MaxNameLength, allowEmpty: false);
            if (name is null && !obj.ContainsKey("name"))
                errors.Add(at.Error("name", "A test case needs a name."));
            else if (name is not null && !names.Add(name))
                errors.Add(at.Error("name", $"Test case name '{name}' is used more than once."));
            var events = ReadTestEvents(obj, at, errors);
            var inputs = ReadObject(obj, "inputs", at, errors);
            var expect = ReadExpectation(obj, at, errors);
            var input = obj["input"] is { } given ? Detach(given, "input", at, errors) : null;
            if (errors.Count == before)
                cases.Add(new WorkflowTestCase
                {
                    Name = name!, Input = input, Events = events, Expect = expect!,
                    Inputs = inputs?.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal) ?? [],
                });
        }
        return cases;
    }

    private static List<TestEvent> ReadTestEvents(JsonObject obj, Location at, List<DefinitionError> errors)
    {
        var events = new List<TestEvent>();
        if (obj["events"] is not { } node)
            return events;
        if (node is not JsonArray array || array.Count > MaxTestEvents)
        {
            errors.Add(at.Error("events", $"'events' must be an array of at most {MaxTestEvents} {{\"name\", \"data\"}} objects."));
            return events;
        }
        for (var i = 0; i < array.Count; i++)
        {
            var eventAt = new Location(null, $"{at.Prefix}events[{i}].");
            if (array[i] is not JsonObject e)
            {
                errors.Add(at.Error($"events[{i}]", "An event must be an object with a name."));
                continue;
            }
            RefuseUnknownFields(e, TestEventFields, eventAt, errors);
            if (ReadString(e, "name", eventAt, errors, MaxNameLength, allowEmpty: false) is { } name)
                events.Add(new TestEvent(name, e["data"]?.DeepClone()));
            else if (!e.ContainsKey("name"))
                errors.Add(eventAt.Error("name", "An event needs a name."));
        }
        return events;
    }

    private static TestExpectation? ReadExpectation(JsonObject obj, Location at, List<DefinitionError> errors)
    {
        if (obj["expect"] is not JsonObject expect || expect.Count == 0)
        {
            errors.Add(at.Error("expect", "A test case needs 'expect' with at least one of status, output or path."));
            return null;
        }
        var expectAt = new Location(null, at.Prefix + "expect.");
        RefuseUnknownFields(expect, ExpectFields, expectAt, errors);
        var status = ReadString(expect, "status", expectAt, errors, 20, allowEmpty: false);
        if (status is not null && !TestStatuses.Contains(status))
            errors.Add(expectAt.Error("status", $"'status' must be one of {string.Join(", ", TestStatuses)}."));
        List<string>? path = null;
        if (expect["path"] is { } node)
        {
            if (node is JsonArray array && array.All(n => n?.GetValueKind() == JsonValueKind.String) && array.Count <= MaxSteps * 10)
                path = array.Select(n => n!.GetValue<string>()).ToList();
            else
                errors.Add(expectAt.Error("path", "'path' must be an array of step ids."));
        }
        return new TestExpectation
        {
            Status = status, Path = path, ChecksOutput = expect.ContainsKey("output"),
            Output = expect["output"] is { } output ? Detach(output, "output", expectAt, errors) : null,
        };
    }
}
