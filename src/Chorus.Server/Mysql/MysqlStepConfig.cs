using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Steps;

namespace Chorus.Server.Mysql;

/// <summary>What one <c>mysql</c> step asks for, read from its rendered config.</summary>
internal sealed partial record MysqlStepConfig
{
    internal const int MaxQueryLength = 100_000;
    internal const int MaxParameters = 100;
    internal const int DefaultTimeoutSeconds = 30;
    internal const int MaxTimeoutSeconds = 300;
    internal const int DefaultMaxRows = 1_000;
    internal const int MaxMaxRows = 10_000;

    private static readonly string[] Fields = ["connection", "query", "parameters", "allow_writes", "timeout_seconds", "max_rows"];

    [GeneratedRegex("^[A-Za-z0-9_]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();

    /// <summary>The tenant's secret holding the connection string; null for the server's MYSQL_URL.</summary>
    public string? Connection { get; init; }
    public required string Query { get; init; }
    public required IReadOnlyList<KeyValuePair<string, JsonNode?>> Parameters { get; init; }
    public bool AllowWrites { get; init; }
    public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;
    public int MaxRows { get; init; } = DefaultMaxRows;

    public static MysqlStepConfig Read(JsonObject config)
    {
        var problems = Validate(config, placeholdersAllowed: false).ToList();
        if (problems.Count > 0)
            throw new StepConfigurationException(string.Join(" ", problems.Select(p => $"{p.Field}: {p.Message}")));
        return new MysqlStepConfig
        {
            Connection = config["connection"]?.GetValue<string>(),
            Query = config["query"]!.GetValue<string>(),
            Parameters = (config["parameters"] as JsonObject ?? []).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())).ToList(),
            AllowWrites = config["allow_writes"]?.GetValue<bool>() ?? false,
            TimeoutSeconds = config["timeout_seconds"]?.GetValue<int>() ?? DefaultTimeoutSeconds,
            MaxRows = config["max_rows"]?.GetValue<int>() ?? DefaultMaxRows,
        };
    }

    /// <summary>Refusals at save (values that are "{{ }}" placeholders pass until they are filled in) and at run time.</summary>
    public static IEnumerable<StepConfigIssue> Validate(JsonObject config, bool placeholdersAllowed)
    {
        foreach (var (name, _) in config)
            if (!Fields.Contains(name))
                yield return new($"config.{name}", $"Unknown field; a mysql step takes {string.Join(", ", Fields)}.");
        if (config["connection"] is { } connection && !Later(connection, placeholdersAllowed)
            && (Text(connection) is not { } secret || !SecretName().IsMatch(secret)))
            yield return new("config.connection", "Must be the name of one of the tenant's secrets (1 to 100 letters, digits and '_') holding a MySQL connection string.");
        if (Text(config["query"]) is not { Length: > 0 } query)
            yield return new("config.query", "Required: one SQL statement, with @name for each parameter.");
        else if (query.Length > MaxQueryLength)
            yield return new("config.query", $"At most {MaxQueryLength:N0} characters.");
        // Values from the context go in parameters, never into the SQL's text.
        else if (query.Contains("{{", StringComparison.Ordinal))
            yield return new("config.query", "Must not hold {{ }} placeholders: put each value in parameters and write @name in the query.");
        // One statement per step: a second one could end the read-only transaction before it runs. Text that holds a
        // ';' belongs in a parameter anyway.
        else if (query.TrimEnd().TrimEnd(';').Contains(';', StringComparison.Ordinal))
            yield return new("config.query", "Must be one statement: no ';' except at its end (pass text that holds one as a parameter).");
        if (config["parameters"] is { } parameters && !Later(parameters, placeholdersAllowed))
        {
            if (parameters is not JsonObject named || named.Count > MaxParameters)
                yield return new("config.parameters", $"Must be an object of at most {MaxParameters} name → value pairs, used in the query as @name.");
            else
                foreach (var (name, value) in named)
                {
                    if (!ParameterName().IsMatch(name))
                        yield return new($"config.parameters.{name}", "A parameter's name is a letter or '_' then letters, digits and '_' (at most 64).");
                    else if (value is JsonObject or JsonArray && !placeholdersAllowed)
                        yield return new($"config.parameters.{name}", "Must be a string, number, boolean or null.");
                }
        }
        if (config["allow_writes"] is { } writes && !Later(writes, placeholdersAllowed) && writes.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            yield return new("config.allow_writes", "Must be true or false (default false: the query runs in a read-only transaction).");
        foreach (var (field, max) in new[] { ("timeout_seconds", MaxTimeoutSeconds), ("max_rows", MaxMaxRows) })
            if (config[field] is { } number && !Later(number, placeholdersAllowed)
                && (number.GetValueKind() != JsonValueKind.Number || !number.AsValue().TryGetValue<int>(out var n) || n < 1 || n > max))
                yield return new($"config.{field}", $"Must be a whole number from 1 to {max:N0}.");
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static bool Later(JsonNode node, bool placeholdersAllowed) =>
        placeholdersAllowed && Text(node) is { } text && text.Contains("{{", StringComparison.Ordinal);
}
