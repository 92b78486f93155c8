using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Turns the DATABASE_URL forms other stacks use (postgres://, postgresql://, postgresql+asyncpg://)
/// into an Npgsql connection string.</summary>
public static class PostgresUrl
{
    private static readonly string[] Schemes = ["postgres", "postgresql", "postgresql+asyncpg"];

    public static bool IsPostgresUrl(string? url) =>
        url is not null && Schemes.Any(s => url.StartsWith(s + "://", StringComparison.OrdinalIgnoreCase));

    public static string ToConnectionString(string url)
    {
        const string expected = "expected postgres://user[:password]@host[:port]/database";
        if (!IsPostgresUrl(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new ArgumentException($"Not a PostgreSQL URL ({expected}): {Redact(url)}", nameof(url));
        if (string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"The PostgreSQL URL has no host ({expected}): {Redact(url)}", nameof(url));
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException($"The PostgreSQL URL names no database ({expected}): {Redact(url)}", nameof(url));

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            // sslmode is the one query option hosted databases commonly require; the rest are driver-specific.
            if (parts.Length == 2 && parts[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase))
                builder.SslMode = Enum.Parse<SslMode>(Uri.UnescapeDataString(parts[1]).Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
        }
        return builder.ConnectionString;
    }

    /// <summary>The URL without its password, for error messages.</summary>
    private static string Redact(string? url)
    {
        if (url is null)
            return "(null)";
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || scheme < 0 || at < scheme)
            return url;
        var colon = url.IndexOf(':', scheme + 3);
        return colon < 0 || colon > at ? url : url[..(colon + 1)] + "***" + url[at..];
    }
}
