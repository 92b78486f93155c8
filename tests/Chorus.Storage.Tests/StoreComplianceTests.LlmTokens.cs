namespace Chorus.Storage.Tests;

/// <summary>Language-model tokens per tenant and UTC day: added up, apart per tenant and day, and no add lost when
/// several land at once.</summary>
public abstract partial class StoreComplianceTests<TStore>
{
    private static readonly DateOnly TokenDay = new(2030, 1, 1);

    [Fact]
    public async Task LlmTokens_AddUpPerTenantAndDay_AndEachAddAnswersTheNewTotal()
    {
        Assert.Equal(0, await Store.LlmTokensUsedAsync(TenantA, TokenDay, Ct));

        Assert.Equal(120, await Store.AddLlmTokensAsync(TenantA, TokenDay, 120, Ct));
        Assert.Equal(150, await Store.AddLlmTokensAsync(TenantA, TokenDay, 30, Ct));
        await Store.AddLlmTokensAsync(TenantB, TokenDay, 7, Ct);
        await Store.AddLlmTokensAsync(TenantA, TokenDay.AddDays(1), 9, Ct);

        Assert.Equal(150, await Store.LlmTokensUsedAsync(TenantA, TokenDay, Ct));
        Assert.Equal(7, await Store.LlmTokensUsedAsync(TenantB, TokenDay, Ct));
        Assert.Equal(9, await Store.LlmTokensUsedAsync(TenantA, TokenDay.AddDays(1), Ct));
    }

    [Fact]
    public async Task LlmTokens_ConcurrentAdds_AreAllCounted()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Store.AddLlmTokensAsync(TenantA, TokenDay, 5, Ct)));

        Assert.Equal(100, await Store.LlmTokensUsedAsync(TenantA, TokenDay, Ct));
    }
}
