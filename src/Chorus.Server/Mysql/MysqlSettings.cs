using MySqlConnector;

namespace Chorus.Server.Mysql;

/// <summary>The server's MySQL/MariaDB database, which mysql steps use unless they name a connection of their tenant's.
/// ToString never shows the connection string.</summary>
public sealed record MysqlSettings
{
    /// <summary>MYSQL_URL or MYSQL_CONNECTION_STRING; null when the server has none.</summary>
    public string? ConnectionString { get; init; }

    public override string ToString() => ConnectionString is null ? "mysql: none" : "mysql: configured";

    /// <summary>Reads MYSQL_URL (a mysql:// URL) or MYSQL_CONNECTION_STRING; a malformed one, or both, stop the server
    /// with a line naming the variable, never its value.</summary>
    public static MysqlSettings FromEnvironment(Func<string, string?> read)
    {
        var url = read("MYSQL_URL") is { Length: > 0 } u ? u : null;
        var connectionString = read("MYSQL_CONNECTION_STRING") is { Length: > 0 } c ? c : null;
        if (url is not null && connectionString is not null)
            throw new Hosting.OptionsException("MYSQL_URL and MYSQL_CONNECTION_STRING are both set: set one.");
        var (name, text) = url is not null ? ("MYSQL_URL", url) : ("MYSQL_CONNECTION_STRING", connectionString);
        if (text is null)
            return new MysqlSettings();
        var (builder, problem) = MysqlConnectionStrings.Parse(text);
        return builder is not null ? new MysqlSettings { ConnectionString = builder.ConnectionString }
            : throw new Hosting.OptionsException($"{name}: not a MySQL connection: {problem}.");
    }

    internal MySqlConnectionStringBuilder? Builder => ConnectionString is null ? null : new MySqlConnectionStringBuilder(ConnectionString);
}
