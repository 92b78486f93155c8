using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static ApiKeyRecord ApiKey(TenantId tenant, string id, string name = "deployer", DateTimeOffset? createdAt = null) => new()
    {
        Id = id,
        Tenant = tenant,
        Name = name,
        Role = "member",
        Hash = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + id.Length))],
        CreatedAt = createdAt ?? T0,
        CreatedBy = "alice",
    };

    /// <summary>Records compare their byte arrays by reference; this compares what the store keeps.</summary>
    private static void AssertSameKey(ApiKeyRecord expected, ApiKeyRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Hash, actual.Hash);
        // With the stored array in place, record equality compares every other field.
        Assert.Equal(expected with { Hash = actual.Hash }, actual);
    }

    [Fact]
    public async Task CreateApiKeyAsync_ThenFindAndGet_ReadEveryFieldBack()
    {
        var key = ApiKey(TenantA, "0123456789abcdef");

        await Store.CreateApiKeyAsync(key, Ct);

        AssertSameKey(key, await Store.FindApiKeyAsync("0123456789abcdef", Ct));
        AssertSameKey(key, await Store.GetApiKeyAsync(TenantA, "0123456789abcdef", Ct));
        Assert.Null((await Store.FindApiKeyAsync("0123456789abcdef", Ct))!.LastUsedAt);
        Assert.Null((await Store.FindApiKeyAsync("0123456789abcdef", Ct))!.RevokedAt);
    }

    [Fact]
    public async Task FindApiKeyAsync_UnknownId_ReturnsNull()
    {
        await Store.CreateApiKeyAsync(ApiKey(TenantA, "0123456789abcdef"), Ct);

        Assert.Null(await Store.FindApiKeyAsync("fedcba9876543210", Ct));
    }

    [Fact]
    public async Task GetApiKeyAsync_AnotherTenantsKey_ReturnsNull()
    {
        await Store.CreateApiKeyAsync(ApiKey(TenantA, "0123456789abcdef"), Ct);

        Assert.Null(await Store.GetApiKeyAsync(TenantB, "0123456789abcdef", Ct));
    }

    [Fact]
    public async Task CreateApiKeyAsync_IdTakenInAnotherTenant_IsRefused()
    {
        // The id alone finds a presented key's row: two tenants cannot share one.
        await Store.CreateApiKeyAsync(ApiKey(TenantA, "0123456789abcdef"), Ct);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.CreateApiKeyAsync(ApiKey(TenantB, "0123456789abcdef"), Ct));
        Assert.Equal(TenantA, (await Store.FindApiKeyAsync("0123456789abcdef", Ct))?.Tenant);
    }

    [Fact]
    public async Task ListApiKeysAsync_ReturnsTheTenantsKeysOldestFirstAndNoOthers()
    {
        var newer = ApiKey(TenantA, "bbbbbbbbbbbbbbbb", "newer", T0.AddMinutes(5));
        var older = ApiKey(TenantA, "cccccccccccccccc", "older", T0);
        await Store.CreateApiKeyAsync(newer, Ct);
        await Store.CreateApiKeyAsync(older, Ct);
        await Store.CreateApiKeyAsync(ApiKey(TenantB, "aaaaaaaaaaaaaaaa", "other tenant"), Ct);

        var listed = await Store.ListApiKeysAsync(TenantA, Ct);

        Assert.Equal(["older", "newer"], listed.Select(k => k.Name));
        AssertSameKey(older, listed[0]);
        Assert.Empty(await Store.ListApiKeysAsync(new TenantId("tenant-c"), Ct));
    }

    [Fact]
    public async Task RevokeApiKeyAsync_OwnKey_SetsRevokedAtOnceAndKeepsTheFirstTime()
    {
        await Store.CreateApiKeyAsync(ApiKey(TenantA, "0123456789abcdef"), Ct);

        Assert.True(await Store.RevokeApiKeyAsync(TenantA, "0123456789abcdef", T0.AddHours(1), Ct));
        Assert.True(await Store.RevokeApiKeyAsync(TenantA, "0123456789abcdef", T0.AddHours(2), Ct));

        Assert.Equal(T0.AddHours(1), (await Store.FindApiKeyAsync("0123456789abcdef", Ct))?.RevokedAt);
        Assert.Single(await Store.ListApiKeysAsync(TenantA, Ct));
    }

    [Fact]
    public async Task RevokeApiKeyAsync_AnotherTenantsKeyOrUnknownId_ReturnsFalseAndChangesNothing()
    {
        await Store.CreateApiKeyAsync(ApiKey(TenantA, "0123456789abcdef"), Ct);

        Assert.False(await Store.RevokeApiKeyAsync(TenantB, "0123456789abcdef", T0.AddHours(1), Ct));
        Assert.False(await Store.RevokeApiKeyAsync(TenantA, "fedcba9876543210", T0.AddHours(1), Ct));

        Assert.Null((await Store.FindApiKeyAsync("0123456789abcdef", Ct))?.RevokedAt);
    }

    [Fact]
    public async Task TouchApiKeyAsync_SetsLastUsedAndNeverMovesItBack()
    {
        await Store.CreateApiKeyAsync(ApiKey(TenantA, "0123456789abcdef"), Ct);

        await Store.TouchApiKeyAsync("0123456789abcdef", T0.AddMinutes(10), Ct);
        Assert.Equal(T0.AddMinutes(10), (await Store.GetApiKeyAsync(TenantA, "0123456789abcdef", Ct))?.LastUsedAt);

        await Store.TouchApiKeyAsync("0123456789abcdef", T0.AddMinutes(3), Ct);
        Assert.Equal(T0.AddMinutes(10), (await Store.GetApiKeyAsync(TenantA, "0123456789abcdef", Ct))?.LastUsedAt);

        await Store.TouchApiKeyAsync("0123456789abcdef", T0.AddMinutes(20), Ct);
        Assert.Equal(T0.AddMinutes(20), (await Store.GetApiKeyAsync(TenantA, "0123456789abcdef", Ct))?.LastUsedAt);
    }

    [Fact]
    public async Task TouchApiKeyAsync_UnknownId_DoesNothing()
    {
        await Store.CreateApiKeyAsync(ApiKey(TenantA, "0123456789abcdef"), Ct);

        await Store.TouchApiKeyAsync("fedcba9876543210", T0, Ct);

        Assert.Null((await Store.FindApiKeyAsync("0123456789abcdef", Ct))?.LastUsedAt);
    }

    [Fact]
    public async Task ApiKeys_AfterReopen_AreStillThere()
    {
        var key = ApiKey(TenantA, "0123456789abcdef");
        await Store.CreateApiKeyAsync(key, Ct);
        await Store.RevokeApiKeyAsync(TenantA, key.Id, T0.AddDays(1), Ct);

        await ReopenAsync();

        AssertSameKey(key with { RevokedAt = T0.AddDays(1) }, await Store.FindApiKeyAsync(key.Id, Ct));
    }
}
