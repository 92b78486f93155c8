using Chorus.Engine.Hosting;

namespace Chorus.Storage.Postgres;

public static class PostgresChorusBuilderExtensions
{
    /// <summary>Runs Chorus on the PostgreSQL database at <paramref name="url"/> (postgres://…), which several nodes
    /// may share; migrated as the host starts, its connections closed with it.</summary>
    public static ChorusBuilder UsePostgres(this ChorusBuilder builder, string url)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        // A container builds its singletons synchronously. The engine's hosted service asks for the store as the
        // host starts, so this waits once, there, and never on a request.
        return builder.UseStore(_ => PostgresStore.OpenAsync(url).GetAwaiter().GetResult());
    }
}
