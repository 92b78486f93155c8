using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static SecretRecord Secret(TenantId tenant, string name, byte fill = 1, DateTimeOffset? at = null, string by = "alice") => new()
    {
        Tenant = tenant,
        Name = name,
        Ciphertext = [.. Enumerable.Range(0, 40).Select(i => (byte)(i + fill))],
        CreatedAt = at ?? T0,
        UpdatedAt = at ?? T0,
        CreatedBy = by,
        UpdatedBy = by,
    };

    /// <summary>Records compare their byte arrays by reference; this compares what the store keeps.</summary>
    private static void AssertSameSecret(SecretRecord expected, SecretRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Ciphertext, actual.Ciphertext);
        Assert.Equal(expected with { Ciphertext = actual.Ciphertext }, actual);
    }

    [Fact]
    public async Task UpsertSecretAsync_NewName_CreatesAndReadsEveryFieldBack()
    {
        var secret = Secret(TenantA, "API_KEY");

        Assert.True(await Store.UpsertSecretAsync(secret, Ct));

        AssertSameSecret(secret, await Store.GetSecretAsync(TenantA, "API_KEY", Ct));
    }

    [Fact]
    public async Task UpsertSecretAsync_SameName_RotatesAndKeepsCreation()
    {
        await Store.UpsertSecretAsync(Secret(TenantA, "API_KEY", fill: 1, at: T0, by: "alice"), Ct);

        var rotated = Secret(TenantA, "API_KEY", fill: 9, at: T0.AddHours(1), by: "bob");
        Assert.False(await Store.UpsertSecretAsync(rotated, Ct));

        var stored = await Store.GetSecretAsync(TenantA, "API_KEY", Ct);
        AssertSameSecret(rotated with { CreatedAt = T0, CreatedBy = "alice" }, stored);
    }

    [Fact]
    public async Task Secrets_OfAnotherTenant_AreNeitherReadNorDeletedNorListed()
    {
        await Store.UpsertSecretAsync(Secret(TenantA, "API_KEY"), Ct);

        Assert.Null(await Store.GetSecretAsync(TenantB, "API_KEY", Ct));
        Assert.Empty(await Store.ListSecretsAsync(TenantB, Ct));
        Assert.False(await Store.DeleteSecretAsync(TenantB, "API_KEY", Ct));
        Assert.NotNull(await Store.GetSecretAsync(TenantA, "API_KEY", Ct));
    }

    [Fact]
    public async Task UpsertSecretAsync_SameNameInTwoTenants_KeepsTwoSecrets()
    {
        Assert.True(await Store.UpsertSecretAsync(Secret(TenantA, "API_KEY", fill: 1), Ct));
        Assert.True(await Store.UpsertSecretAsync(Secret(TenantB, "API_KEY", fill: 7), Ct));

        AssertSameSecret(Secret(TenantA, "API_KEY", fill: 1), await Store.GetSecretAsync(TenantA, "API_KEY", Ct));
        AssertSameSecret(Secret(TenantB, "API_KEY", fill: 7), await Store.GetSecretAsync(TenantB, "API_KEY", Ct));
    }

    [Fact]
    public async Task ListSecretsAsync_ReturnsTheTenantsSecretsByName()
    {
        await Store.UpsertSecretAsync(Secret(TenantA, "ZETA"), Ct);
        await Store.UpsertSecretAsync(Secret(TenantA, "ALPHA", at: T0.AddMinutes(1)), Ct);
        await Store.UpsertSecretAsync(Secret(TenantB, "BETA"), Ct);

        var listed = await Store.ListSecretsAsync(TenantA, Ct);

        Assert.Equal(["ALPHA", "ZETA"], listed.Select(s => s.Name));
        AssertSameSecret(Secret(TenantA, "ALPHA", at: T0.AddMinutes(1)), listed[0]);
    }

    [Fact]
    public async Task DeleteSecretAsync_RemovesOnceThenReturnsFalse()
    {
        await Store.UpsertSecretAsync(Secret(TenantA, "API_KEY"), Ct);

        Assert.True(await Store.DeleteSecretAsync(TenantA, "API_KEY", Ct));
        Assert.False(await Store.DeleteSecretAsync(TenantA, "API_KEY", Ct));

        Assert.Null(await Store.GetSecretAsync(TenantA, "API_KEY", Ct));
        // A deleted name can be created again.
        Assert.True(await Store.UpsertSecretAsync(Secret(TenantA, "API_KEY"), Ct));
    }

    [Fact]
    public async Task Secrets_AfterReopen_AreStillThere()
    {
        var secret = Secret(TenantA, "API_KEY");
        await Store.UpsertSecretAsync(secret, Ct);

        await ReopenAsync();

        AssertSameSecret(secret, await Store.GetSecretAsync(TenantA, "API_KEY", Ct));
    }
}
