using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Steps;

/// <summary>The secrets one step attempt uses: the <c>secrets</c> scope its config renders against, and the
/// redaction of their values from everything the attempt leaves behind (output, error, logs), so that a value
/// exists only in the rendered config the handler holds while it runs.</summary>
internal sealed partial class StepSecrets
{
    public const string Redacted = "[secret]";
    public const string ScopeName = "secrets";

    // "secrets.NAME" or "$.secrets.NAME" inside a placeholder; "mysecrets.x" or "steps.secrets.x" are not ones.
    [GeneratedRegex(@"(?:(?<=\$\.)|(?<![\w.$]))secrets\s*\.\s*([A-Za-z0-9_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    private readonly List<string> _values;

    private StepSecrets(JsonObject scope, List<string> values)
    {
        Scope = scope;
        // Longest first, so a value that contains another is replaced whole.
        _values = values;
        _values.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>NAME → value, the <c>secrets</c> root of the step's templates.</summary>
    public JsonObject Scope { get; }

    /// <summary>The secret names the config's placeholders refer to, in order of first appearance.</summary>
    public static IReadOnlyList<string> Referenced(JsonNode? config)
    {
        var names = new List<string>();
        Collect(config, names);
        return names;
    }

    private static void Collect(JsonNode? node, List<string> names)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj) Collect(value, names);
                break;
            case JsonArray array:
                foreach (var item in array) Collect(item, names);
                break;
            default:
                if (JsonValues.IsString(node, out var text) && text.Contains("{{", StringComparison.Ordinal))
                {
                    foreach (Match match in Reference().Matches(text))
                    {
                        var name = match.Groups[1].Value;
                        if (!names.Contains(name, StringComparer.Ordinal))
                            names.Add(name);
                    }
                }
                break;
        }
    }

    /// <summary>The values of the names the step's config refers to; null when it refers to none.</summary>
    /// <exception cref="StepConfigurationException">A name the tenant has no secret for (the message names it,
    /// never a value), or secrets referred to in an engine without a resolver.</exception>
    public static async Task<StepSecrets?> ResolveAsync(ISecretResolver? resolver, TenantId tenant, JsonNode? config, CancellationToken ct)
    {
        var names = Referenced(config);
        if (names.Count == 0)
            return null;
        if (resolver is null)
            throw new StepConfigurationException($"The step refers to the secret '{names[0]}', but this engine has no secrets.");
        var scope = new JsonObject();
        var values = new List<string>();
        foreach (var name in names)
        {
            var value = await resolver.ResolveAsync(tenant, name, ct).ConfigureAwait(false)
                ?? throw new StepConfigurationException($"The secret '{name}' does not exist.");
            scope[name] = value;
            if (value.Length > 0)
                values.Add(value);
        }
        return new StepSecrets(scope, values);
    }

    /// <summary>The execution data with the <c>secrets</c> root added, for rendering only: never stored.</summary>
    public JsonObject With(JsonObject data)
    {
        var copy = (JsonObject)data.DeepClone();
        copy[ScopeName] = Scope.DeepClone();
        return copy;
    }

    public string Redact(string text)
    {
        foreach (var value in _values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
                text = text.Replace(value, Redacted, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>A copy of the node with every string (and property name) that holds a value redacted.</summary>
    public JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj) copy[Redact(key)] = Redact(value);
                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array) items.Add(Redact(item));
                return items;
            default:
                return JsonValues.IsString(node, out var text) ? JsonValue.Create(Redact(text)) : node.DeepClone();
        }
    }

    public StepResult Redact(StepResult result) => result switch
    {
        StepResult.Completed c => c with
        {
            Output = Redact(c.Output),
            Variables = c.Variables?.ToDictionary(v => v.Key, v => Redact(v.Value), StringComparer.Ordinal),
        },
        StepResult.Failed f => f with { Message = Redact(f.Message), Details = Redact(f.Details) },
        StepResult.WaitUntil w => w with { Output = Redact(w.Output) },
        StepResult.StartChild s => s with { Input = Redact(s.Input) },
        _ => result,
    };

    public IReadOnlyList<StepLogEntry> Redact(IReadOnlyList<StepLogEntry> logs) =>
        logs.Select(l => new StepLogEntry(l.Level, Redact(l.Message), Redact(l.Data))).ToList();
}
