using System.Security.Cryptography;
using System.Text;
using Chorus.Engine;

namespace Chorus.Server.Secrets;

/// <summary>Encrypts tenants' secrets at rest with AES-256-GCM. Each write takes a fresh random nonce; the tenant
/// and name are the associated data, so a ciphertext copied to another tenant's row or another name does not
/// decrypt. Stored as nonce (12 bytes) | tag (16 bytes) | ciphertext.</summary>
internal sealed class SecretCipher
{
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key;

    public SecretCipher(byte[] key)
    {
        // The generated key file may hold more than 32 bytes; AES-256 takes the first 32.
        if (key.Length < KeyBytes)
            throw new ArgumentException($"A secrets key has {KeyBytes} bytes.", nameof(key));
        _key = key[..KeyBytes];
    }

    /// <summary>A key for another use of the server's secrets key (signing webhook resume URLs), derived with HKDF
    /// so that nothing made with it can be mistaken for, or help forge, a sealed secret.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeyBytes, info: Encoding.UTF8.GetBytes("chorus:" + purpose));

    public byte[] Encrypt(TenantId tenant, string name, string value)
    {
        var plaintext = Encoding.UTF8.GetBytes(value);
        var sealedBytes = new byte[NonceBytes + TagBytes + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), AssociatedData(tenant, name));
        CryptographicOperations.ZeroMemory(plaintext);
        return sealedBytes;
    }

    /// <summary>The value, or null when the bytes do not decrypt: another key, another tenant or name, tampering.</summary>
    public string? Decrypt(TenantId tenant, string name, byte[] sealedBytes)
    {
        if (sealedBytes.Length < NonceBytes + TagBytes)
            return null;
        var plaintext = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes),
                plaintext, AssociatedData(tenant, name));
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    // Length-prefixed, so no tenant and name pair can spell another's associated data.
    private static byte[] AssociatedData(TenantId tenant, string name) =>
        Encoding.UTF8.GetBytes($"chorus-secret:{tenant.Value.Length}:{tenant.Value}:{name}");
}
