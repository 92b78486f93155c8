using System.Security.Cryptography;

namespace Chorus.Server.Security;

/// <summary>The HS256 key the server generates when no key is configured, so that a fresh install is secure
/// without setup. It lives beside the database, readable by its owner only, and <c>chorus token</c> reads the
/// same file to mint tokens.</summary>
public static class SigningKeyFile
{
    private const int KeyBytes = 32;

    /// <summary>Where the key of a server with these settings lives: CHORUS_KEY_FILE, else beside the SQLite file
    /// (<c>chorus.db</c> → <c>chorus.db.key</c>), else <c>chorus.key</c> in the working directory.</summary>
    public static string PathFor(string? configuredPath, string databasePath, bool usesPostgres) =>
        configuredPath is { Length: > 0 } ? configuredPath
        : usesPostgres ? "chorus.key"
        : databasePath + ".key";

    /// <summary>Reads the key, creating it (mode 0600) when the file does not exist yet. A file that cannot be read
    /// or holds no usable key throws <see cref="IOException"/>, <see cref="UnauthorizedAccessException"/> or
    /// <see cref="InvalidDataException"/>, for the caller to report under its own setting's name.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        // Otherwise the move below fails with "the file already exists", which sends the reader the wrong way.
        if (Directory.Exists(path))
            throw new IOException($"{path} is a directory, not a key file.");
        if (TryLoad(path) is { } existing)
            return existing;
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options))
        using (var writer = new StreamWriter(file))
            writer.WriteLine(Convert.ToBase64String(key));
        try
        {
            // Two processes starting at once on the same database must end up with one key: the first move wins.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return TryLoad(path) ?? throw new IOException($"The key file {path} cannot be read.");
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        return key;
    }

    /// <summary>The key in the file, or null when there is no file.</summary>
    public static byte[]? TryLoad(string path)
    {
        if (!File.Exists(path))
            return null;
        var text = File.ReadAllText(path).Trim();
        try
        {
            var key = Convert.FromBase64String(text);
            return key.Length >= KeyBytes ? key : throw new InvalidDataException($"The key file {path} holds fewer than {KeyBytes} bytes.");
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"The key file {path} does not hold a base64 key.");
        }
    }
}
