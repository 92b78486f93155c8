using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Chorus.Engine.Steps;

/// <summary>Runs a JavaScript snippet over the execution context: <c>{"code": "return {total: $.input.a + 1}"}</c>.
/// The snippet is a function body that sees <c>$</c> (a copy of the context), <c>input</c>, <c>variables</c> and
/// <c>console</c>; what it returns (as JSON) is the step's output and its console lines go to the execution's log.
/// It runs in a fresh interpreter with no I/O and no .NET access, under limits on time, memory, statements,
/// recursion and array size: a hostile snippet fails its step, never the server.</summary>
internal sealed class CodeStep : IStepHandler
{
    public string Type => "code";

    internal const int MaxCodeLength = 100_000;
    internal static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxTimeLimit = TimeSpan.FromSeconds(10);
    private const long MemoryLimitBytes = 64L * 1024 * 1024;
    private const int MaxStatements = 10_000_000;
    private const int MaxRecursion = 256;
    private const uint MaxArraySize = 1_000_000;
    private const int MaxLogLines = 100;
    private const int MaxLogLineLength = 2_000;

    // The snippet becomes a function body; its line numbers in errors are the author's own after this one line.
    private const string Prefix = "(function ($, input, variables, console) {\n";
    private const string Suffix = "\n})";

    // console.* joins its arguments as the browser would print them, and hands the line to the step's log.
    private const string ConsoleFactory = """
        (function (write) {
          const text = a => typeof a === 'string' ? a : (a === undefined ? 'undefined' : JSON.stringify(a));
          const at = level => (...args) => { write(level, args.map(text).join(' ')); };
          return Object.freeze({ log: at('info'), info: at('info'), debug: at('debug'), warn: at('warning'), error: at('error') });
        })
        """;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        // The code as written, never rendered: values reach it through $, not by being pasted into its text.
        var code = StepJson.String(context.Step.Config, "code") ?? throw new StepConfigurationException("code needs config.code, the JavaScript to run.");
        var timeLimit = TimeLimitOf(context.Step.Config) ?? throw new StepConfigurationException(TimeLimitProblem);
        var lines = 0;
        using var engine = new Jint.Engine(options => options
            .Strict()
            .TimeoutInterval(timeLimit)
            .LimitMemory(MemoryLimitBytes)
            .MaxStatements(MaxStatements)
            .LimitRecursion(MaxRecursion)
            .MaxArraySize(MaxArraySize)
            .RegexTimeoutInterval(timeLimit)
            .CancellationToken(cancellationToken));
        try
        {
            var write = new Action<string, string>((level, message) =>
            {
                if (++lines <= MaxLogLines)
                    context.Log(level, message.Length > MaxLogLineLength ? message[..MaxLogLineLength] + "…" : message);
            });
            var console = engine.Invoke(engine.Evaluate(ConsoleFactory), write);
            var data = new Jint.Native.Json.JsonParser(engine).Parse(context.Data.ToJsonString());
            var function = engine.Evaluate(Prefix + code + Suffix);
            var result = engine.Invoke(function, data, data.Get("input"), data.Get("variables"), console);
            if (lines > MaxLogLines)
                context.Log("warning", $"The code wrote {lines} console lines; the first {MaxLogLines} are kept.");
            return Task.FromResult<StepResult>(StepResult.Done(ToJson(engine, result)));
        }
        catch (JavaScriptException ex)
        {
            return Failed("code_error", $"The code threw: {ex.Message}{Where(ex.Location.Start.Line)}", retryable: false);
        }
        catch (Exception ex) when (LimitMessage(ex, timeLimit) is { } limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Failed("code_limit_exceeded", limit, retryable: false);
        }
    }

    private static Task<StepResult> Failed(string code, string message, bool retryable) =>
        Task.FromResult<StepResult>(new StepResult.Failed(code, message, Retryable: retryable));

    /// <summary>The snippet's own line (the wrapper adds one before it).</summary>
    private static string Where(int line) => line > 1 ? $" (line {line - 1})" : "";

    /// <summary>The return value as JSON: undefined and functions give null, as JSON.stringify would leave them out.</summary>
    private static JsonNode? ToJson(Jint.Engine engine, JsValue value)
    {
        var json = new Jint.Native.Json.JsonSerializer(engine).Serialize(value);
        return json.IsString() ? JsonNode.Parse(json.AsString()) : null;
    }

    private static string? LimitMessage(Exception ex, TimeSpan timeLimit) => ex switch
    {
        TimeoutException => $"The code ran longer than its time limit of {timeLimit.TotalMilliseconds:0} ms.",
        MemoryLimitExceededException => $"The code used more than {MemoryLimitBytes / (1024 * 1024)} MB of memory.",
        StatementsCountOverflowException => $"The code ran more than {MaxStatements:N0} statements.",
        RecursionDepthOverflowException => $"The code called functions more than {MaxRecursion} deep.",
        ExecutionCanceledException => "The code was cancelled.",
        // A single allocation past what the interpreter allows (an array or string too large).
        OutOfMemoryException or InsufficientExecutionStackException => "The code asked for more memory than a step may use.",
        JintException => $"The code could not run: {ex.Message}",
        _ => null,
    };

    private const string TimeLimitProblem = "config.time_limit must be a duration such as \"500ms\" or \"2s\", at most 10 s.";

    /// <summary>config.time_limit, else one second; null when it is not a duration up to <see cref="MaxTimeLimit"/>.</summary>
    private static TimeSpan? TimeLimitOf(JsonObject config)
    {
        if (config["time_limit"] is not { } node)
            return DefaultTimeLimit;
        return Durations.TryParse(node, out var limit) && limit > TimeSpan.Zero && limit <= MaxTimeLimit ? limit : null;
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        if (config["code"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            yield return new("config.code", "Required: the JavaScript to run, as a string.");
            yield break;
        }
        var code = value.GetValue<string>();
        if (code.Length > MaxCodeLength)
            yield return new("config.code", $"The code has at most {MaxCodeLength:N0} characters.");
        else if (SyntaxProblem(code) is { } problem)
            yield return new("config.code", problem);
        if (TimeLimitOf(config) is null)
            yield return new("config.time_limit", TimeLimitProblem);
    }

    /// <summary>Checks the snippet parses, so that a typo is refused at save instead of failing every execution.</summary>
    private static string? SyntaxProblem(string code)
    {
        try
        {
            Jint.Engine.PrepareScript(Prefix + code + Suffix, options: new ScriptPreparationOptions { ParsingOptions = new ScriptParsingOptions { Tolerant = false } });
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"The code is not valid JavaScript: {ex.Message}";
        }
    }
}
