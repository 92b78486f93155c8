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
    public static Text[] Cells(params JsonNode?[] values) =>
        values.Select(v => new Text(v switch
        {
            null => "",
            JsonValue value when value.TryGetValue<string>(out var s) => s,
            _ => v.ToJsonString(),
        })).ToArray();
}
