using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Chorus.Cli.Commands;

/// <summary>The process exit codes every command shares.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The work failed: a failed, cancelled or timed-out execution, a server error, an unreachable server.</summary>
    public const int Failed = 1;
    /// <summary>The command line or a file it names is wrong.</summary>
    public const int Usage = 2;
    /// <summary>An embedded run stopped at a step that waits for an event or input nobody can send.</summary>
    public const int Waiting = 3;
}

/// <summary>A failure the user can act on, reported as one line without a stack trace.</summary>
internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Consoles and JSON for people: tables through Spectre.Console, JSON written straight to stdout so
/// it is never wrapped at the terminal width.</summary>
internal static class Terminal
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IAnsiConsole Stdout() => Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Stderr() => Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        // A pipe or a file has no width; wide enough that ids in tables are not broken over lines.
        if (redirected)
            console.Profile.Width = 240;
        return console;
    }

    public static string Json(JsonNode? node) => node is null ? "null" : node.ToJsonString(Indented);

    /// <summary>A command's result: one line for people, or with <c>--json</c> the server's answer as it came.</summary>
    public static int Answer(bool json, JsonNode? answer, string line)
    {
        Console.Out.WriteLine(json ? Json(answer) : line);
        return ExitCodes.Ok;
    }

    /// <summary>The <c>--json</c> of a command and all its subcommands.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the server's JSON answer as it came.", Recursive = true };

    /// <summary>A list answer (<c>{"items": [...]}</c>) as a table of some of its fields, or as it came.</summary>
    public static int Table(bool json, JsonNode? answer, string none, string[] columns)
    {
        if (json)
            return Answer(true, answer, "");
        var items = answer?["items"] as JsonArray ?? [];
        var console = Stdout();
        if (items.Count == 0)
        {
            console.WriteLine(none);
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns(columns);
        foreach (var item in items)
            table.AddRow(Cells(columns.Select(c => item?[c]).ToArray()));
        console.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>One object as <c>field: value</c> lines of the fields it has (a missing or null one is left out), or as it
    /// came. Plain lines rather than a grid, so that a long URL or secret is never wrapped and copies whole.</summary>
    public static int Fields(bool json, JsonNode? answer, params string[] fields)
    {
        if (json)
            return Answer(true, answer, "");
        foreach (var field in fields)
            if (answer?[field] is { } value)
                Console.Out.WriteLine($"{field}: {Plain(value)}");
        return ExitCodes.Ok;
    }

    /// <summary>An answer holding a secret the server shows this once (a trigger's secret, an API key): the line, its
    /// fields, and a reminder to store it; or the answer as it came.</summary>
    public static int Secret(bool json, JsonNode? answer, string line, params string[] fields)
    {
        if (json)
            return Answer(true, answer, "");
        Console.Out.WriteLine(line);
        Fields(false, answer, fields);
        Console.Out.WriteLine(answer?["secret_notice"] is { } notice ? Plain(notice) : "Shown this once: store it now.");
        return ExitCodes.Ok;
    }

    public static void Error(string message) => Console.Error.WriteLine($"chorus: {OneLine(message)}");

    public static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    /// <summary>Reads and parses a JSON file; a missing file or bad JSON is a usage error naming the file.</summary>
    public static JsonNode ReadJsonFile(string path, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"cannot read the {what} '{path}': {ex.Message}", ExitCodes.Usage);
        }
        return ParseJson(text, $"the {what} '{path}'");
    }

    public static JsonNode ParseJson(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text) ?? throw new CliException($"{what} is JSON null; a value is expected.", ExitCodes.Usage);
        }
        catch (JsonException ex)
        {
            throw new CliException($"{what} is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, position {ex.BytePositionInLine ?? 0}): {ex.Message.Split(". ")[0]}.", ExitCodes.Usage);
        }
    }

    /// <summary>The details of an invalid_workflow_definition error, one line per problem with its step and field.</summary>
    public static IEnumerable<string> DefinitionErrors(JsonNode? details) =>
        (details?["errors"] as JsonArray ?? []).Select(e =>
        {
            var step = e?["step_id"]?.GetValue<string>();
            var field = e?["field"]?.GetValue<string>();
            var where = step is null ? $"field '{field}'" : $"step '{step}', field '{field}'";
            return $"  {where}: {OneLine(e?["message"]?.GetValue<string>() ?? "invalid")}";
        });

    /// <summary>Table cells as plain text: a value from the server is never read as Spectre markup.</summary>
    public static Text[] Cells(params JsonNode?[] values) => values.Select(v => new Text(Plain(v))).ToArray();

    /// <summary>A value as a person reads it: a string without its quotes, anything else as JSON.</summary>
    public static string Plain(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };
}
