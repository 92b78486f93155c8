using Chorus.Storage.Postgres;
using Npgsql;

namespace Chorus.Storage.Tests.Postgres;

public sealed class PostgresUrlTests
{
    [Theory]
    [InlineData("postgres://alice:s3cret@db.example:6543/chorus", "db.example", 6543, "chorus", "alice", "s3cret")]
    [InlineData("postgresql://alice:s3cret@db.example:6543/chorus", "db.example", 6543, "chorus", "alice", "s3cret")]
    [InlineData("postgresql+asyncpg://alice:s3cret@db.example:6543/chorus", "db.example", 6543, "chorus", "alice", "s3cret")]
    [InlineData("postgres://alice@db.example/chorus", "db.example", 5432, "chorus", "alice", null)]
    [InlineData("postgresql://alice@127.0.0.1:55432/postgres", "127.0.0.1", 55432, "postgres", "alice", null)]
    [InlineData("postgresql+asyncpg://db.example/chorus", "db.example", 5432, "chorus", null, null)]
    [InlineData("postgres://al%40ice:p%3Ass%2Fw@db.example/my%20db", "db.example", 5432, "my db", "al@ice", "p:ss/w")]
    public void ToConnectionString_UrlForms_MapToHostPortDatabaseAndCredentials(
        string url, string host, int port, string database, string? username, string? password)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(url));

        Assert.Equal((host, port, database, username, password),
            (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
    }

    [Fact]
    public void ToConnectionString_SslModeInQuery_IsKept() =>
        Assert.Equal(SslMode.Require, new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://u@h/d?sslmode=require")).SslMode);

    [Theory]
    [InlineData("mysql://u:p@h/d")]
    [InlineData("postgres://u:p@h")]
    [InlineData("postgres://u:p@h/")]
    [InlineData("postgres:/h/d")]
    [InlineData("not a url")]
    [InlineData("")]
    public void ToConnectionString_MalformedUrl_ThrowsArgumentExceptionSayingWhatIsExpected(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresUrl.ToConnectionString(url));

        Assert.Contains("postgres://user[:password]@host[:port]/database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToConnectionString_MalformedUrl_DoesNotEchoThePassword()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresUrl.ToConnectionString("postgres://u:hunter2@h/"));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_MalformedUrl_ThrowsArgumentException() =>
        await Assert.ThrowsAsync<ArgumentException>(() => PostgresStore.OpenAsync("postgresql://h"));
}
