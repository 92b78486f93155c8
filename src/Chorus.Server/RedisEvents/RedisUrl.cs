using System.Globalization;
using StackExchange.Redis;

namespace Chorus.Server.RedisEvents;

/// <summary>REDIS_URL in the forms teams already have: <c>redis://[user:password@]host[:port][/db]</c>,
/// <c>rediss://…</c> for TLS, or StackExchange.Redis's own <c>host:port,password=…,ssl=true</c>.</summary>
internal static class RedisUrl
{
    public const int DefaultPort = 6379;

    /// <summary>The client's options; <see cref="ArgumentException"/> (with no password in its message) when
    /// <paramref name="text"/> is neither form.</summary>
    public static ConfigurationOptions Parse(string text)
    {
        var options = text.Contains("://", StringComparison.Ordinal) ? FromUrl(text) : FromNative(text);
        // A server that is down at start must not stop this one: the client keeps reconnecting in the background.
        options.AbortOnConnectFail = false;
        // While disconnected a publish fails at once instead of queueing: the relay keeps the events in the outbox
        // and retries them itself, in order.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName ??= "chorus";
        return options;
    }

    private static ConfigurationOptions FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
            throw new ArgumentException("must be redis://[user:password@]host[:port][/db], rediss://… or host:port[,password=…]");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            throw new ArgumentException("a query or fragment in a redis:// URL is not supported (use host:port,option=value for client options)");
        var options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
        options.EndPoints.Add(uri.Host.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            // redis://secret@host is the password alone, as redis-cli reads it.
            if (password is null)
                options.Password = user;
            else
            {
                options.User = user.Length > 0 ? user : null;
                options.Password = password;
            }
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db) || db > 1024)
                throw new ArgumentException($"the database '{path}' in the URL's path is not a number from 0 to 1024");
            options.DefaultDatabase = db;
        }
        return options;
    }

    private static ConfigurationOptions FromNative(string text)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new ArgumentException("not a redis:// URL nor a StackExchange.Redis configuration (host:port[,password=…]): " + ex.Message.Split('\n')[0]);
        }
        if (options.EndPoints.Count == 0)
            throw new ArgumentException("names no server: must be redis://host[:port][/db], rediss://… or host:port[,password=…]");
        return options;
    }
}
