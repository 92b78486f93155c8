using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chorus.Engine;
using Chorus.Server.Secrets;

namespace Chorus.Server.Webhooks;

/// <summary>The token of a waiting step's resume URL: <c>{attempt}.{tenant, base64url}.{HMAC, base64url}</c>, the HMAC
/// (with a key derived from the server's secrets key, the same on every node) binding tenant, execution, step and
/// attempt. Holding the URL is the permission to resume that one wait; a later attempt of the step gets another.</summary>
internal sealed class WebhookResumeTokens(SecretCipher cipher)
{
    private readonly byte[] _key = cipher.DeriveKey("webhook-resume-url");

    public string Issue(TenantId tenant, Guid executionId, string stepId, int attempt) =>
        $"{attempt.ToString(CultureInfo.InvariantCulture)}.{Base64Url(Encoding.UTF8.GetBytes(tenant.Value))}.{Base64Url(Mac(tenant.Value, executionId, stepId, attempt))}";

    /// <summary>The tenant and attempt the token was issued for, or null when it was not issued for this execution
    /// and step by this server.</summary>
    public (TenantId Tenant, int Attempt)? Verify(string? token, Guid executionId, string stepId)
    {
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
            || FromBase64Url(parts[1]) is not { } tenantBytes || FromBase64Url(parts[2]) is not { } given
            || !System.Text.Unicode.Utf8.IsValid(tenantBytes))
            return null;
        var tenant = Encoding.UTF8.GetString(tenantBytes);
        if (!TenantId.IsValid(tenant) || !CryptographicOperations.FixedTimeEquals(Mac(tenant, executionId, stepId, attempt), given))
            return null;
        return (new TenantId(tenant), attempt);
    }

    // Length-prefixed, so no tenant and step pair can spell another's message.
    private byte[] Mac(string tenant, Guid executionId, string stepId, int attempt) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"resume\n{tenant.Length}:{tenant}\n{executionId}\n{stepId.Length}:{stepId}\n{attempt}"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
