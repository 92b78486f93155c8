using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Steps.Remote;

/// <summary>Checks a step's config against the config schema its service published, at save. A value holding a
/// "{{ }}" placeholder is only known at run time, so what the schema says of it (and of anything inside it) is left to
/// the service.</summary>
internal static class RemoteConfigCheck
{
    public static IEnumerable<StepConfigIssue> Check(RemoteStep step, JsonObject config, string prefix)
    {
        if (!step.ChecksConfig)
            return [];
        var templates = new List<string>();
        CollectTemplates(config, JsonPaths.Root, templates);
        return JsonSchemaValidator.Validate(step.ConfigSchema, config)
            .Where(e => !templates.Any(t => Covers(t, e.Path)))
            .Select(e => new StepConfigIssue(prefix + e.Path[1..], $"{e.Message} (config schema of '{step.Name}' from {step.Service.AbsoluteUri.TrimEnd('/')})"))
            .ToList();
    }

    private static bool Covers(string template, string path) =>
        path == template || path.StartsWith(template + ".", StringComparison.Ordinal) || path.StartsWith(template + "[", StringComparison.Ordinal);

    private static void CollectTemplates(JsonNode? node, string path, List<string> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                    CollectTemplates(child, JsonPaths.Member(path, key), into);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    CollectTemplates(array[i], JsonPaths.Index(path, i), into);
                break;
            default:
                if (StepJson.IsTemplate(node))
                    into.Add(path);
                break;
        }
    }
}
