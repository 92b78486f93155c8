using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chorus.Steps;

/// <summary>A registered step with its built config schema.</summary>
internal sealed record RegisteredStep(IStepHandler Handler, ConfigSchema Config);

/// <summary>The service's steps by name, checked once when the endpoints are mapped: a bad name, a duplicate or a
/// config schema that does not build stops the service at start instead of surprising the engine later.</summary>
internal sealed partial class StepCatalog
{
    private readonly Dictionary<string, RegisteredStep> _steps = new(StringComparer.Ordinal);

    public StepCatalog(IEnumerable<IStepHandler> handlers)
    {
        foreach (var handler in handlers)
        {
            var name = handler.Name;
            if (name is null || !StepName().IsMatch(name))
                throw new InvalidOperationException($"Step handler {handler.GetType().Name}: the name '{name}' must match ^[a-z][a-z0-9_]{{0,63}}$.");
            if (_steps.ContainsKey(name))
                throw new InvalidOperationException($"Two step handlers are named '{name}'; names must be unique within a service.");
            if (handler.ConfigSchema is null || handler.OutputSchema is null || handler.Description is null)
                throw new InvalidOperationException($"Step '{name}': Description, ConfigSchema and OutputSchema must not be null (use \"\" or {{}}).");
            if (handler.Timeout is { } timeout && timeout <= TimeSpan.Zero)
                throw new InvalidOperationException($"Step '{name}': Timeout must be positive, not {timeout}.");
            _steps[name] = new RegisteredStep(handler, ConfigSchema.Build(name, handler.ConfigSchema));
        }
        Document = Describe(_steps.Values.Select(s => s.Handler));
    }

    public int Count => _steps.Count;

    /// <summary>The body of <c>GET /steps</c>, built once.</summary>
    public JsonObject Document { get; }

    public RegisteredStep? Find(string name) => _steps.GetValueOrDefault(name);

    private static JsonObject Describe(IEnumerable<IStepHandler> handlers)
    {
        var steps = new JsonArray();
        foreach (var handler in handlers.OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            var step = new JsonObject
            {
                ["name"] = handler.Name,
                ["description"] = handler.Description,
                ["config_schema"] = handler.ConfigSchema.DeepClone(),
                ["output_schema"] = handler.OutputSchema.DeepClone(),
            };
            if (handler.Timeout is { } timeout)
                step["timeout_seconds"] = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
            steps.Add(step);
        }
        return new JsonObject { ["steps"] = steps };
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex StepName();
}
