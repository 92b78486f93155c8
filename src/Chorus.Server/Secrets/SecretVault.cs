using Chorus.Engine;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Server.Secrets;

/// <summary>Tenants' secrets in plaintext on one side, encrypted in the store on the other: the API writes through
/// it, and the engine reads values through it (as its <see cref="ISecretResolver"/>) only when a step runs.</summary>
internal sealed class SecretVault(ISecretStore store, SecretCipher cipher, TimeProvider time) : ISecretResolver
{
    /// <summary>Creates or rotates the tenant's secret; true when it was created. The answer is the stored record
    /// (metadata; its ciphertext is not to be shown either).</summary>
    public async Task<(SecretRecord Record, bool Created)> WriteAsync(TenantId tenant, string name, string value, string subject, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var record = new SecretRecord
        {
            Tenant = tenant,
            Name = name,
            Ciphertext = cipher.Encrypt(tenant, name, value),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = subject,
            UpdatedBy = subject,
        };
        var created = await store.UpsertSecretAsync(record, ct).ConfigureAwait(false);
        var stored = created ? record : await store.GetSecretAsync(tenant, name, ct).ConfigureAwait(false) ?? record;
        return (stored, created);
    }

    public async Task<string?> ResolveAsync(TenantId tenant, string name, CancellationToken ct)
    {
        var record = await store.GetSecretAsync(tenant, name, ct).ConfigureAwait(false);
        if (record is null)
            return null;
        return cipher.Decrypt(tenant, name, record.Ciphertext)
            ?? throw new StepConfigurationException($"The secret '{name}' cannot be decrypted with this server's secrets key.");
    }

    /// <summary>The cipher of a server with these settings: SECRETS_KEY, else the generated key file. A key file that
    /// cannot be read or created, or holds no usable key, is a configuration error that stops the start.</summary>
    public static SecretCipher CipherFor(Hosting.ServerOptions options)
    {
        if (options.SecretsKey is { } key)
            return new SecretCipher(key);
        var path = options.SecretsKeyFilePath;
        try
        {
            return new SecretCipher(Security.SigningKeyFile.LoadOrCreate(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new Hosting.OptionsException($"CHORUS_SECRETS_KEY_FILE: the secrets key {path} cannot be read or created: {ex.Message}");
        }
    }
}
