using System.Globalization;

namespace Chorus.StepsService;

/// <summary>The steps service's settings, read from environment variables. Each has a default; a malformed value
/// stops the process at start with a one-line reason.</summary>
internal sealed record StepsServiceOptions
{
    /// <summary>PORT: where the service listens (8001, beside the server's 8000).</summary>
    public int Port { get; init; } = 8001;

    /// <summary>HOST: the address to listen on (127.0.0.1). The service has no authentication of its own: expose it
    /// (HOST=0.0.0.0) only on a network the engine alone reaches.</summary>
    public string Host { get; init; } = "127.0.0.1";

    public static StepsServiceOptions FromEnvironment(Func<string, string?> read)
    {
        var defaults = new StepsServiceOptions();
        return new StepsServiceOptions
        {
            Port = ReadPort(read, defaults.Port),
            Host = read("HOST") is { Length: > 0 } host ? host : defaults.Host,
        };
    }

    private static int ReadPort(Func<string, string?> read, int fallback)
    {
        var text = read("PORT");
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
            throw new StepsOptionsException($"PORT: '{text}' is not a whole number from 0 to 65535.");
        return port;
    }
}

internal sealed class StepsOptionsException(string message) : Exception(message);
