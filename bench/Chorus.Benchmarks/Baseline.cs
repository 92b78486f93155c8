using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Benchmarks;

/// <summary>The figures of an accepted run, kept in a JSON file (bench/baseline.json) per store setup ("sqlite",
/// "postgres", "postgres-3-nodes") and workload, so a later run can say how far it is from them (--compare) or
/// replace them (--save-baseline). Not a gate: these machines vary up to 2x from hour to hour.</summary>
internal sealed class Baseline(string path, JsonObject root)
{
    public const string DefaultPath = "bench/baseline.json";

    public string Path { get; } = path;

    /// <summary>The file at <paramref name="path"/>, or an empty baseline when <paramref name="mustExist"/> is false and
    /// there is none yet.</summary>
    public static Baseline Load(string path, bool mustExist)
    {
        if (!File.Exists(path))
            return mustExist
                ? throw new FileNotFoundException($"No baseline at {System.IO.Path.GetFullPath(path)}: run from the repository's root, or name the file after the flag.", path)
                : new Baseline(path, new JsonObject { ["setups"] = new JsonObject() });
        return new Baseline(path, JsonNode.Parse(File.ReadAllText(path))!.AsObject());
    }

    /// <summary>How this run's figures differ from the baseline's, one line per workload; says so when the baseline has none.</summary>
    public string Compare(string setup, string workload, IReadOnlyDictionary<string, double> figures)
    {
        if (root["setups"]?[setup]?["workloads"]?[workload] is not JsonObject kept)
            return $"# compare {workload} {setup}: the baseline has no figures for it";
        var parts = figures.Where(f => kept[f.Key] is not null).Select(f =>
        {
            var before = kept[f.Key]!.GetValue<double>();
            var change = before == 0 ? "" : $" ({(f.Value - before) / before * 100:+0.0;-0.0;0.0}%)";
            return $"{f.Key} {Format(f.Value)} vs baseline {Format(before)}{change}";
        });
        return $"# compare {workload} {setup} {string.Join(", ", parts)}";
    }

    /// <summary>Puts this run's figures of the workload in place of the setup's, with when and under what load they
    /// were taken; the other setups and the workloads this run did not run stay as they were.</summary>
    public void Record(string setup, string workload, IReadOnlyDictionary<string, double> figures, string takenAt, string loadAverage)
    {
        var setups = root["setups"] as JsonObject ?? (JsonObject)(root["setups"] = new JsonObject());
        var entry = setups[setup] as JsonObject ?? (JsonObject)(setups[setup] = new JsonObject());
        entry["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
        var workloads = entry["workloads"] as JsonObject ?? (JsonObject)(entry["workloads"] = new JsonObject());
        var kept = new JsonObject(figures.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)Math.Round(f.Value, 3))))
        {
            ["taken_at"] = takenAt,
            ["load_average"] = loadAverage,
        };
        workloads[workload] = kept;
    }

    public void Save() => File.WriteAllText(Path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The one-, five- and fifteen-minute load averages (for 2 cores, 2 means busy), or "unknown".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Format(double value) => value.ToString(Math.Abs(value) >= 100 ? "#,0" : "0.00#", CultureInfo.InvariantCulture);
}
