using RabbitMQ.Client;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>Connection factories for the URLs tenants keep in their secrets (amqp:// or amqps://).</summary>
internal static class RabbitMqConnections
{
    public static ConnectionFactory Factory(string url, string clientName) => new()
    {
        Uri = new Uri(url),
        ClientProvidedName = clientName,
        // The client reconnects, reopens channels and consumers, and redeclares what it declared by itself.
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = true,
        NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
        RequestedHeartbeat = TimeSpan.FromSeconds(20),
        RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A URL's scheme, host and port, for logs and errors: never its credentials.</summary>
    public static string Describe(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{(uri.IsDefaultPort ? 5672 : uri.Port)}" : "(not a URL)";

    /// <summary>Whether a secret's value can be a connection URL at all.</summary>
    public static bool IsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" && uri.Host.Length > 0;
}
