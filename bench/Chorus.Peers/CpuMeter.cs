using System.Diagnostics;

namespace Chorus.Peers;

/// <summary>CPU seconds used by this process and by the PostgreSQL server's processes, as bench/Chorus.Benchmarks
/// reports them (cpu_s, cpu_postgres_s), so the lines compare.</summary>
internal sealed record CpuMeter(double Self, double Postgres)
{
    public static CpuMeter Sample(Store store)
    {
        using var self = Process.GetCurrentProcess();
        return new CpuMeter(self.TotalProcessorTime.TotalSeconds, store == Store.Postgres ? PostgresCpuSeconds() : 0);
    }

    public string Since(CpuMeter start) => Postgres > 0
        ? $"cpu_s={Self - start.Self:0.0} cpu_postgres_s={Postgres - start.Postgres:0.0}"
        : $"cpu_s={Self - start.Self:0.0}";

    // Found by the command name in /proc, since a backend's process name is its status line ("postgres: ...").
    // Every backend counts, other users' too: on a shared server the figure is an upper bound.
    private static double PostgresCpuSeconds()
    {
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(directory), out var pid))
                try
                {
                    if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() != "postgres")
                        continue;
                    using var process = Process.GetProcessById(pid);
                    total += process.TotalProcessorTime.TotalSeconds;
                }
                catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
                {
                    // It exited meanwhile.
                }
        return total;
    }
}
