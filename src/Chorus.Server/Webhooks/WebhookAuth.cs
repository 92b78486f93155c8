using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Webhooks;

/// <summary>Checks that a call comes from whoever holds the trigger's secret: an HMAC-SHA256 signature of
/// <c>{timestamp}.{body}</c> keyed with the secret, with the timestamp inside the replay window; or, when the
/// trigger allows it, the secret itself as a token. Every comparison is constant-time.</summary>
internal static class WebhookAuth
{
    public const string SignatureHeader = "X-Chorus-Signature";
    public const string TimestampHeader = "X-Chorus-Timestamp";
    public const string SecretHeader = "X-Chorus-Webhook-Secret";
    private const string SignaturePrefix = "sha256=";

    /// <summary>How far a signed timestamp may be from the server's clock, either way: an intercepted call cannot be
    /// replayed later than this, and one replayed sooner starts nothing new (its signature is its delivery id).</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <summary>How the call proved itself: by a signature (hex, lowercase), or by the token.</summary>
    public sealed record Proof(string? Signature);

    public static Proof Verify(HttpRequest request, byte[] body, string secret, WebhookSettings settings, DateTimeOffset now)
    {
        var signature = request.Headers[SignatureHeader].ToString();
        if (signature.Length > 0)
            return new Proof(VerifySignature(signature, request.Headers[TimestampHeader].ToString(), body, secret, now));
        if (settings.AuthMode == WebhookSettings.AuthHmacOrToken && PresentedToken(request) is { } token)
        {
            // Hashing both sides first makes the comparison constant-time in the length too.
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(secret))))
                throw Refused("The webhook secret does not match.");
            return new Proof(null);
        }
        throw Refused(settings.AuthMode == WebhookSettings.AuthHmac
            ? $"Sign the call: {SignatureHeader}: sha256=<hex HMAC-SHA256 of \"{{timestamp}}.{{body}}\"> and {TimestampHeader}: <unix seconds>."
            : $"Sign the call ({SignatureHeader} and {TimestampHeader}) or send the secret (Authorization: Bearer or {SecretHeader}).");
    }

    /// <summary>The signature a sender computes; the tests and the README's example compute the same.</summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length];
        var n = Encoding.UTF8.GetBytes(timestamp, signed);
        signed[n] = (byte)'.';
        body.CopyTo(signed, n + 1);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private static string VerifySignature(string header, string timestamp, byte[] body, string secret, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            throw Refused($"{TimestampHeader} must hold the time of signing in unix seconds.");
        var signedAt = seconds > 253402300799 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - signedAt).Duration() > ReplayWindow)
            throw Refused($"{TimestampHeader} is more than {ReplayWindow.TotalMinutes} minutes from the server's clock; sign the call again.");
        if (!header.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            throw Refused($"{SignatureHeader} must be sha256=<hex>.");
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(SignaturePrefix.Length));
        }
        catch (FormatException)
        {
            throw Refused($"{SignatureHeader} must be sha256=<hex>.");
        }
        var expected = Convert.FromHexString(Sign(secret, timestamp, body));
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            throw Refused("The signature does not match the body and timestamp.");
        return Convert.ToHexStringLower(given);
    }

    private static string? PresentedToken(HttpRequest request)
    {
        var header = request.Headers[SecretHeader].ToString();
        if (header.Length > 0)
            return header;
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private static ChorusException Refused(string message) =>
        new(ErrorCodes.Unauthorized, message, new JsonObject { ["signature_header"] = SignatureHeader, ["timestamp_header"] = TimestampHeader });
}
