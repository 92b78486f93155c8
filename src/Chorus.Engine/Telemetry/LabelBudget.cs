using System.Collections.Concurrent;

namespace Chorus.Engine.Telemetry;

/// <summary>Keeps a label's values few enough for a metrics backend: the first <see cref="Limit"/> distinct values
/// are used as they are, every later one becomes "other". A server with a few hundred workflows sees them all; one
/// with a million tenants cannot blow up its Prometheus.</summary>
internal sealed class LabelBudget
{
    public const int Limit = 1000;
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

    public string Label(string value)
    {
        if (_seen.ContainsKey(value))
            return value;
        if (_seen.Count >= Limit)
            return Other;
        _seen.TryAdd(value, 0);
        return value;
    }
}
