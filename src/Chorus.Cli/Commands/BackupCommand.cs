using System.CommandLine;
using Chorus.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus backup</c> and <c>chorus restore</c> for the embedded SQLite store. A backup is a folder: a
/// consistent copy of the database taken with SQLite's online backup (the server may keep running and writing), and
/// the key files beside it, without which tokens no longer verify and secrets no longer decrypt.</summary>
internal static class BackupCommand
{
    private const string DatabaseFile = "chorus.db";
    private const string SigningKeyFile = "chorus.db.key";
    private const string SecretsKeyFile = "chorus.db.secrets.key";

    public static IEnumerable<Command> Create()
    {
        var db = new Option<string?>("--db") { Description = "The SQLite database file (default: DATABASE_URL, else chorus.db)." };
        var output = new Option<string>("--out") { Description = "A folder for the backup; it must not exist or be empty.", Required = true };
        var backup = new Command("backup", "Copy the SQLite database (while the server runs, if it does) and its key files into a folder.") { db, output };
        backup.SetAction((parse, ct) => Run(() => BackupAsync(Options(parse.GetValue(db)), parse.GetValue(output)!, ct)));

        var restoreDb = new Option<string?>("--db") { Description = "Where to restore the database (default: DATABASE_URL, else chorus.db)." };
        var from = new Option<string>("--from") { Description = "A folder written by chorus backup.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace a database that exists. Stop the server first." };
        var restore = new Command("restore", "Put a backup back: the database and its key files. Stop the server first.") { restoreDb, from, force };
        restore.SetAction(parse => Run(() => Task.FromResult(Restore(Options(parse.GetValue(restoreDb)), parse.GetValue(from)!, parse.GetValue(force)))));
        return [backup, restore];
    }

    private static async Task<int> Run(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (CliException ex)
        {
            Terminal.Error(ex.Message);
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException or OptionsException)
        {
            Terminal.Error(ex.Message);
            return ExitCodes.Failed;
        }
    }

    private static ServerOptions Options(string? db)
    {
        var options = ServerOptions.FromEnvironment(Environment.GetEnvironmentVariable);
        if (db is not null)
            return options with { DatabasePath = db };
        return options.PostgresUrl is null ? options
            : throw new CliException("DATABASE_URL names a PostgreSQL server: back it up with pg_dump (and keep chorus.key and chorus.secrets.key).", ExitCodes.Usage);
    }

    private static async Task<int> BackupAsync(ServerOptions options, string folder, CancellationToken ct)
    {
        if (!File.Exists(options.DatabasePath))
            throw new CliException($"there is no database at {Path.GetFullPath(options.DatabasePath)}.", ExitCodes.Usage);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new CliException($"--out: {folder} is not empty.", ExitCodes.Usage);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, DatabaseFile);
        await using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Mode = SqliteOpenMode.ReadOnly }.ToString()))
        await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
        {
            await source.OpenAsync(ct);
            await copy.OpenAsync(ct);
            // SQLite's online backup: a consistent snapshot, whatever the server commits meanwhile.
            source.BackupDatabase(copy);
        }
        SqliteConnection.ClearAllPools();
        var written = new List<string> { target };
        foreach (var (from, name) in new[] { (options.KeyFilePath, SigningKeyFile), (options.SecretsKeyFilePath, SecretsKeyFile) })
            if (File.Exists(from))
                written.Add(CopyPrivately(from, Path.Combine(folder, name)));
        foreach (var file in written)
            Console.Out.WriteLine($"wrote {file}");
        return ExitCodes.Ok;
    }

    private static int Restore(ServerOptions options, string folder, bool force)
    {
        var database = Path.Combine(folder, DatabaseFile);
        if (!File.Exists(database))
            throw new CliException($"--from: {folder} holds no {DatabaseFile}; is it a backup?", ExitCodes.Usage);
        if (File.Exists(options.DatabasePath) && !force)
            throw new CliException($"{Path.GetFullPath(options.DatabasePath)} exists: stop the server and add --force to replace it.", ExitCodes.Usage);
        // A write-ahead log of the replaced database would be replayed into the restored one.
        foreach (var stale in new[] { options.DatabasePath + "-wal", options.DatabasePath + "-shm" })
            File.Delete(stale);
        File.Copy(database, options.DatabasePath, overwrite: true);
        Console.Out.WriteLine($"restored {Path.GetFullPath(options.DatabasePath)}");
        foreach (var (name, to) in new[] { (SigningKeyFile, options.KeyFilePath), (SecretsKeyFile, options.SecretsKeyFilePath) })
            if (File.Exists(Path.Combine(folder, name)))
                Console.Out.WriteLine($"restored {CopyPrivately(Path.Combine(folder, name), to)}");
        return ExitCodes.Ok;
    }

    /// <summary>Copies a key file, readable by its owner only, as the server writes them.</summary>
    private static string CopyPrivately(string from, string to)
    {
        File.Copy(from, to, overwrite: true);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return Path.GetFullPath(to);
    }
}
