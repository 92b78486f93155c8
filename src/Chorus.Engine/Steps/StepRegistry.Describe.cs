namespace Chorus.Engine.Steps;

/// <summary>The step types as an editor lists them: the local ones, then each step the steps services offer.</summary>
public sealed partial class StepRegistry
{
    /// <summary>Every usable type with its description and schemas. A name both registered here and offered by a
    /// service is listed once, as the service's, with <see cref="StepDescription.LocalFallback"/> set.</summary>
    public IReadOnlyList<StepDescription> Describe()
    {
        var remote = new Dictionary<string, StepDescription>(StringComparer.Ordinal);
        foreach (var step in External?.Describe() ?? [])
        {
            if (!IsBuiltIn(step.Name))
                remote[step.Name] = step with { LocalFallback = _handlers.ContainsKey(step.Name) };
        }
        var local = _handlers.Values
            .Where(h => !remote.ContainsKey(h.Type))
            .Select(h => h.Describe() is { } own ? own with { Name = h.Type }
                : IsBuiltIn(h.Type) && BuiltInStepDescriptions.Find(h.Type) is { } builtIn ? builtIn
                : new StepDescription { Name = h.Type });
        return [.. local.Concat(remote.Values).OrderBy(d => d.Name, StringComparer.Ordinal)];
    }
}
