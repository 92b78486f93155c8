using Chorus.Engine.Hosting;

namespace Chorus.Storage.Sqlite;

public static class SqliteChorusBuilderExtensions
{
    /// <summary>Runs Chorus on the embedded SQLite store in the file at <paramref name="path"/> (created and migrated
    /// as the host starts, disposed with it). <paramref name="fullSync"/> as in <see cref="SqliteStore.OpenAsync"/>.</summary>
    public static ChorusBuilder UseSqlite(this ChorusBuilder builder, string path, bool fullSync = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // A container builds its singletons synchronously. The engine's hosted service asks for the store as the
        // host starts, so this waits once, there, and never on a request.
        return builder.UseStore(_ => SqliteStore.OpenAsync(path, fullSync).GetAwaiter().GetResult());
    }
}
