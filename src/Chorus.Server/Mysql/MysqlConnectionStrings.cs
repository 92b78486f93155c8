using MySqlConnector;

namespace Chorus.Server.Mysql;

/// <summary>Reads a MySQL/MariaDB connection as a URL (<c>mysql://user:password@host:3306/database?SslMode=None</c>) or
/// as a MySqlConnector connection string (<c>Server=…;User ID=…;Password=…;Database=…</c>). Nothing here ever puts the
/// text it was given in a message: it holds a password.</summary>
internal static class MysqlConnectionStrings
{
    /// <summary>The connection, or null with why not (a reason that quotes none of the text).</summary>
    public static (MySqlConnectionStringBuilder? Builder, string? Problem) Parse(string text)
    {
        try
        {
            var builder = text.StartsWith("mysql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("mariadb://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(text)
                : new MySqlConnectionStringBuilder(text);
            if (string.IsNullOrEmpty(builder.Server))
                return (null, "it names no server");
            if (builder.ConnectionProtocol != MySqlConnectionProtocol.Sockets)
                return (null, "only TCP connections are supported");
            return (builder, null);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or InvalidOperationException)
        {
            return (null, "it is neither a mysql:// URL nor a connection string of Key=Value; pairs");
        }
    }

    private static MySqlConnectionStringBuilder FromUrl(string text)
    {
        var url = new Uri(text);
        var builder = new MySqlConnectionStringBuilder { Server = url.Host, Port = url.IsDefaultPort || url.Port < 0 ? 3306u : (uint)url.Port };
        if (url.UserInfo.Length > 0)
        {
            var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.UserID = Uri.UnescapeDataString(colon < 0 ? url.UserInfo : url.UserInfo[..colon]);
            if (colon >= 0)
                builder.Password = Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
        }
        if (url.AbsolutePath.Trim('/') is { Length: > 0 } database)
            builder.Database = Uri.UnescapeDataString(database);
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new FormatException("a query parameter without a value");
            builder[Uri.UnescapeDataString(pair[..equals])] = Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return builder;
    }
}
