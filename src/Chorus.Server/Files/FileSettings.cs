using System.Globalization;

namespace Chorus.Server.Files;

/// <summary>The tenants' file store: how large a file may be, where the bytes live, and from what size a step's
/// output is kept as a file instead of in the execution's context.</summary>
public sealed record FileSettings
{
    public const long DefaultMaxBytes = 25 * 1024 * 1024;
    public const int DefaultOffloadBytes = 256 * 1024;

    /// <summary>FILES_MAX_BYTES: the largest file stored, uploaded or written by a step (25 MiB). A tenant whose tier
    /// has a smaller max_body_bytes uploads files of at most that size.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>FILES_DIR: a directory the bytes are written to (one file each, under a folder per tenant); unset keeps
    /// them in the database. Several servers sharing one PostgreSQL database need it to be a directory they share.</summary>
    public string? Directory { get; init; }

    /// <summary>PAYLOAD_OFFLOAD_BYTES: a step output larger than this, as JSON, is stored as a file and the context holds
    /// a reference to it (256 KiB); 0 keeps every output in the context.</summary>
    public int OffloadBytes { get; init; } = DefaultOffloadBytes;

    /// <summary>Reads the FILES_* and PAYLOAD_OFFLOAD_BYTES variables; a malformed one stops the server with a line naming it.</summary>
    public static FileSettings FromEnvironment(Func<string, string?> read)
    {
        var d = new FileSettings();
        return new FileSettings
        {
            MaxBytes = Number(read, "FILES_MAX_BYTES", d.MaxBytes, 1024, 1024L * 1024 * 1024),
            Directory = read("FILES_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : null,
            OffloadBytes = (int)Number(read, "PAYLOAD_OFFLOAD_BYTES", d.OffloadBytes, 0, 256L * 1024 * 1024),
        };
    }

    private static long Number(Func<string, string?> read, string name, long fallback, long min, long max)
    {
        var text = read(name);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
            : throw new Hosting.OptionsException($"{name}: '{text}' is not a whole number from {min} to {max}.");
    }
}
