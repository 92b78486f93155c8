using System.Data.Common;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>The scale-out store: several nodes share one PostgreSQL database. Row locks (SELECT ... FOR UPDATE)
/// serialise changes to one execution, SKIP LOCKED lets nodes claim disjoint work, and fences refuse the
/// writes of a node whose lease was taken over.</summary>
public sealed partial class PostgresStore : RelationalStore, IChorusStore
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresStore(NpgsqlDataSource dataSource) : base(PostgresDialect.Statements) => _dataSource = dataSource;

    private readonly EngineIds _ids = new();

    // Marks this store's event notifications, so its own listener skips events its engine already delivered.
    private readonly string _origin = Guid.NewGuid().ToString("N");

    /// <summary>Connects with a postgres://, postgresql:// or postgresql+asyncpg:// URL and applies the
    /// migrations this database has not seen.</summary>
    public static async Task<PostgresStore> OpenAsync(string url, CancellationToken ct = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(url))
        {
            // The engine sends the same few statements all the time: let the server plan them once per connection.
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            // Several nodes share one server's max_connections (100 by default): a node never needs more than its
            // committer, its listeners and the reads of its workers and API at once.
            MaxPoolSize = 30,
            // Nothing here leaves session state behind (locks are per transaction, listeners keep their own
            // connections), so a connection going back to the pool needs no reset statements.
            NoResetOnClose = true,
        };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            await PostgresMigrator.MigrateAsync(dataSource, ct).ConfigureAwait(false);
            return new PostgresStore(dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    public async Task<IEngineTransaction> BeginAsync(CancellationToken ct) =>
        new PostgresEngineTransaction(await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false), _ids, _origin);

    public StorageFault? ClassifyFault(Exception ex) => PostgresFaults.Classify(ex);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
