using Chorus.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Tests.Sqlite;

/// <summary>The writer's statements bound by position behave as Microsoft.Data.Sqlite's commands did: the same values
/// stored, the same counts, the same errors.</summary>
public sealed class PreparedWriteTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public PreparedWriteTests()
    {
        _connection.Open();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER, x REAL, b BLOB)";
        cmd.ExecuteNonQuery();
    }

    private PreparedWrite Prepare(string sql) => new(_connection.Handle!, sql);

    private List<object?[]> Rows()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT id, name, n, x, b FROM t ORDER BY id";
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
            rows.Add([r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : (byte[])r[4]]);
        return rows;
    }

    [Fact]
    public void Insert_EveryKindOfValue_IsStoredAsGivenAndReturnsItsId()
    {
        using var insert = Prepare("INSERT INTO t (name, n, x, b) VALUES ($name, $n, $x, $b) RETURNING id");
        foreach (var (name, n, x) in new (string, object, object)[] { ("", 7, 1.5), ("żółw \"{}\" 🐢", 1L << 40, DBNull.Value) })
        {
            insert.Bind(insert.Position("$name"), name);
            insert.Bind(insert.Position("$n"), n);
            insert.Bind(insert.Position("$x"), x);
            insert.Bind(insert.Position("$b"), new byte[] { 0, 1, 255 });
            var (changes, id) = insert.Run();
            Assert.Equal(1, changes);
            Assert.Equal(Rows().Count, id);
        }

        var rows = Rows();
        Assert.Equal("", rows[0][1]); // an empty text stays empty, not NULL
        Assert.Equal(7L, rows[0][2]);
        Assert.Equal(1.5, rows[0][3]);
        Assert.Equal("żółw \"{}\" 🐢", rows[1][1]);
        Assert.Equal(1L << 40, rows[1][2]);
        Assert.Null(rows[1][3]);
        Assert.Equal(new byte[] { 0, 1, 255 }, rows[1][4]);
    }

    [Fact]
    public void Update_CountsTheRowsItChanged_AndTransactionControlCountsNone()
    {
        using var insert = Prepare("INSERT INTO t (name) VALUES ('a'), ('b'), ('c')");
        insert.Run();
        using var update = Prepare("UPDATE t SET n = $n WHERE name <> $name");
        using var savepoint = Prepare("SAVEPOINT s");
        using var release = Prepare("RELEASE s");

        Assert.Equal(0, savepoint.Run().Changes);
        update.Bind(update.Position("$n"), 1);
        update.Bind(update.Position("$name"), "a");
        Assert.Equal(2, update.Run().Changes);
        Assert.Equal(0, release.Run().Changes);
        Assert.Equal(0, update.Position("$unknown"));
    }

    [Fact]
    public void Run_ParameterLeftOut_FailsAndWritesNothing()
    {
        using var insert = Prepare("INSERT INTO t (name, n) VALUES ($name, $n)");
        insert.Bind(insert.Position("$name"), "x");

        var error = Assert.Throws<InvalidOperationException>(() => insert.Run());
        Assert.Contains("$n", error.Message);
        Assert.Empty(Rows());
        // The values of a failed run do not carry over to the next one.
        insert.Bind(insert.Position("$n"), 1);
        Assert.Throws<InvalidOperationException>(() => insert.Run());
    }

    [Fact]
    public void Run_ConstraintBroken_ThrowsSqliteExceptionWithItsCode()
    {
        using var insert = Prepare("INSERT INTO t (id, name) VALUES (1, $name)");
        insert.Bind(1, "first");
        insert.Run();
        insert.Bind(1, "again");

        var error = Assert.Throws<SqliteException>(() => insert.Run());
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Single(Rows());
    }

    [Fact]
    public void Bind_ValueOfAnotherKind_IsRefused()
    {
        using var insert = Prepare("INSERT INTO t (name) VALUES ($name)");

        Assert.False(PreparedWrite.Binds(DateTimeOffset.UnixEpoch));
        Assert.Throws<ArgumentException>(() => insert.Bind(1, DateTimeOffset.UnixEpoch));
    }

    public void Dispose() => _connection.Dispose();
}
