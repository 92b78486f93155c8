using Chorus.Engine;
using Chorus.Server.Hosting;
using Chorus.Server.Secrets;

namespace Chorus.Server.Tests.Security;

/// <summary>AES-GCM at rest: a fresh nonce per write, and a ciphertext bound to its tenant and name.</summary>
public sealed class SecretCipherTests
{
    private static readonly TenantId Acme = new("acme");
    private static readonly TenantId Other = new("other");
    private readonly SecretCipher _cipher = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Encrypt_ThenDecrypt_GivesTheValueBack_AndTwoWritesDiffer()
    {
        var first = _cipher.Encrypt(Acme, "API_KEY", "hunter2-ü");
        var second = _cipher.Encrypt(Acme, "API_KEY", "hunter2-ü");

        Assert.Equal("hunter2-ü", _cipher.Decrypt(Acme, "API_KEY", first));
        Assert.NotEqual(first, second);
        Assert.NotEqual(first[..12], second[..12]);
    }

    [Fact]
    public void Ciphertext_MovedToAnotherTenantOrName_DoesNotDecrypt()
    {
        var sealedBytes = _cipher.Encrypt(Acme, "API_KEY", "hunter2");

        Assert.Null(_cipher.Decrypt(Other, "API_KEY", sealedBytes));
        Assert.Null(_cipher.Decrypt(Acme, "OTHER_KEY", sealedBytes));
    }

    [Fact]
    public void Ciphertext_TamperedOrUnderAnotherKey_DoesNotDecrypt()
    {
        var sealedBytes = _cipher.Encrypt(Acme, "API_KEY", "hunter2");
        var tampered = (byte[])sealedBytes.Clone();
        tampered[^1] ^= 1;

        Assert.Null(_cipher.Decrypt(Acme, "API_KEY", tampered));
        Assert.Null(new SecretCipher(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Decrypt(Acme, "API_KEY", sealedBytes));
        Assert.Null(_cipher.Decrypt(Acme, "API_KEY", sealedBytes[..10]));
    }

    [Fact]
    public void SecretsKey_FromEnvironment_MustBeBase64Of32Bytes()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        Assert.Equal(32, ServerOptions.FromEnvironment(n => n == "SECRETS_KEY" ? key : null).SecretsKey?.Length);

        var shortKey = Assert.Throws<OptionsException>(() => ServerOptions.FromEnvironment(n => n == "SECRETS_KEY" ? Convert.ToBase64String(new byte[16]) : null));
        Assert.StartsWith("SECRETS_KEY:", shortKey.Message);
        Assert.Throws<OptionsException>(() => ServerOptions.FromEnvironment(n => n == "SECRETS_KEY" ? "not base64!" : null));
    }

    [Fact]
    public void SecretsKeyFile_DefaultsBesideTheDatabase_AndCanBeConfigured()
    {
        Assert.Equal("/data/chorus.db.secrets.key", new ServerOptions { DatabasePath = "/data/chorus.db" }.SecretsKeyFilePath);
        Assert.Equal("/keys/s.key", ServerOptions.FromEnvironment(n => n == "CHORUS_SECRETS_KEY_FILE" ? "/keys/s.key" : null).SecretsKeyFilePath);
    }
}
