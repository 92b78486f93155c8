using System.Diagnostics;

namespace Chorus.Server.Tests.Storage;

/// <summary>A real, small file system (tmpfs) that a test can fill up, to see what a full disk does to the server. Needs root (the test command runs as root).</summary>
public sealed class SmallDisk : IDisposable
{
    private readonly List<string> _fillers = [];

    private SmallDisk(string directory) => Directory = directory;

    public string Directory { get; }

    public static SmallDisk Mount(int megabytes)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"chorus-small-disk-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", directory);
        return new SmallDisk(directory);
    }

    /// <summary>Writes filler files until the file system refuses more.</summary>
    public void Fill()
    {
        var chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        var path = Path.Combine(Directory, $"filler-{_fillers.Count}");
        _fillers.Add(path);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
                file.Write(chunk);
        }
        catch (IOException)
        {
            // No space left on the device: that is the point.
        }
        // What a 64 KB write could not take, smaller ones can: leave no byte free.
        try
        {
            while (true)
                file.Write(chunk, 0, 512);
        }
        catch (IOException)
        {
        }
    }

    public void Free()
    {
        foreach (var filler in _fillers)
            File.Delete(filler);
        _fillers.Clear();
    }

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Directory);
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Left for the OS to clean up rather than failing the test that already has its verdict.
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"{file} did not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }
}
