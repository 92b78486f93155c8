using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

/// <summary>Tenants' collections: upserts by id, the caps and the key held in one transaction, field conditions with the
/// same meaning on both stores, ordering and pages, and no reads or writes across tenants.</summary>
public abstract partial class StoreComplianceTests<TStore>
{
    private static readonly CollectionLimits Limits = new();

    private static RecordWrite Rec(string id, string json) => new(id, JsonNode.Parse(json)!.AsObject());

    private static FieldPath Path(string text) => FieldPath.TryParse(text) ?? throw new ArgumentException(text);

    private static RecordCondition Where(string field, RecordOperator op, JsonNode? value) => new(Path(field), op, value);

    private Task<RecordsSaved> SaveAsync(TenantId tenant, string collection, params RecordWrite[] records) =>
        Store.SaveRecordsAsync(tenant, collection, null, records, Limits, T0, Ct);

    private async Task<string[]> IdsAsync(string collection, RecordQuery query, TenantId? tenant = null) =>
        [.. (await Store.QueryRecordsAsync(tenant ?? TenantA, collection, query, Ct)).Records.Select(r => r.Id)];

    private async Task SavePeopleAsync() => await SaveAsync(TenantA, "people",
        Rec("ann", """{"name": "Ann", "age": 34, "vip": true, "address": {"city": "Lyon"}, "tags": ["a"]}"""),
        Rec("bob", """{"name": "bob", "age": 19.5, "vip": false, "address": {"city": "Paris"}}"""),
        Rec("cid", """{"name": "Cid", "age": "40", "address": {"city": "Lyon"}}"""),
        Rec("dee", """{"name": "Dee", "age": null, "vip": true}"""),
        Rec("eve", """{"name": "Eve' OR 1=1 --", "age": 7}"""));

    [Fact]
    public async Task SaveRecords_ThenTheSameIds_InsertsThenReplaces_KeepingCreationTimeAndCount()
    {
        var first = await SaveAsync(TenantA, "orders", Rec("1", """{"n": 1}"""), Rec("2", """{"n": 2}"""));
        var second = await Store.SaveRecordsAsync(TenantA, "orders", null, [Rec("2", """{"n": 20}"""), Rec("3", """{"n": 3}"""), Rec("3", """{"n": 30}""")],
            Limits, T0.AddMinutes(5), Ct);

        Assert.Equal(new RecordsSaved(2, 0), first);
        Assert.Equal(new RecordsSaved(1, 2), second);
        var page = await Store.QueryRecordsAsync(TenantA, "orders", new RecordQuery(), Ct);
        Assert.Equal(3, page.Total);
        Assert.Equal(["1", "2", "3"], page.Records.Select(r => r.Id));
        AssertJson(JsonNode.Parse("""{"n": 20}"""), page.Records[1].Data);
        AssertJson(JsonNode.Parse("""{"n": 30}"""), page.Records[2].Data);
        Assert.Equal(T0, page.Records[1].CreatedAt);
        Assert.Equal(T0.AddMinutes(5), page.Records[1].UpdatedAt);
        var info = await Store.GetCollectionAsync(TenantA, "orders", Ct);
        Assert.NotNull(info);
        Assert.Equal(3, info.RecordCount);
        Assert.Null(info.KeyField);
        Assert.Equal(T0, info.CreatedAt);
        Assert.Equal(T0.AddMinutes(5), info.UpdatedAt);
    }

    [Fact]
    public async Task QueryRecords_Comparisons_HoldOnlyWithinOneJsonType()
    {
        await SavePeopleAsync();

        Assert.Equal(["ann", "bob"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Gt, 18)] }));
        Assert.Equal(["bob"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Lte, 19.5), Where("age", RecordOperator.Gte, 8)] }));
        Assert.Equal(["eve"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Lt, 8)] }));
        Assert.Equal(["cid"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Eq, "40")] }));
        Assert.Empty(await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Eq, 40)] }));
        Assert.Equal(["ann", "dee"], await IdsAsync("people", new() { Conditions = [Where("vip", RecordOperator.Eq, true)] }));
        Assert.Equal(["bob"], await IdsAsync("people", new() { Conditions = [Where("vip", RecordOperator.Lt, true)] }));
        // Strings compare by their bytes: "bob" > "Cid" although b < C ignoring case.
        Assert.Equal(["bob", "eve"], await IdsAsync("people", new() { Conditions = [Where("name", RecordOperator.Gt, "Dee")] }));
    }

    [Fact]
    public async Task QueryRecords_EqualityNullsExistsInContainsAndNestedFields()
    {
        await SavePeopleAsync();

        Assert.Equal(["ann", "cid"], await IdsAsync("people", new() { Conditions = [Where("address.city", RecordOperator.Eq, "Lyon")] }));
        Assert.Equal(["bob", "dee", "eve"], await IdsAsync("people", new() { Conditions = [Where("address.city", RecordOperator.Ne, "Lyon")] }));
        Assert.Equal(["dee"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Eq, null)] }));
        Assert.Equal(["ann", "bob", "cid", "eve"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Ne, null)] }));
        Assert.Equal(["ann", "bob", "cid", "eve"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.Exists, true)] }));
        Assert.Equal(["cid", "eve"], await IdsAsync("people", new() { Conditions = [Where("vip", RecordOperator.Exists, false)] }));
        Assert.Equal(["ann", "cid"], await IdsAsync("people", new() { Conditions = [Where("name", RecordOperator.In, new JsonArray("Ann", "Cid", 34))] }));
        Assert.Equal(["ann", "eve"], await IdsAsync("people", new() { Conditions = [Where("age", RecordOperator.In, new JsonArray(34, 7, "7"))] }));
        Assert.Empty(await IdsAsync("people", new() { Conditions = [Where("name", RecordOperator.In, new JsonArray())] }));
        Assert.Equal(["bob"], await IdsAsync("people", new() { Conditions = [Where("name", RecordOperator.Contains, "ob")] }));
        Assert.Empty(await IdsAsync("people", new() { Conditions = [Where("name", RecordOperator.Contains, "ANN")] }));
        Assert.Equal(["ann"], await IdsAsync("people", new() { Conditions = [Where("address.city", RecordOperator.Eq, "Lyon"), Where("vip", RecordOperator.Eq, true)] }));
    }

    [Fact]
    public async Task QueryRecords_ValuesThatLookLikeSql_AreOnlyValues()
    {
        await SavePeopleAsync();

        Assert.Empty(await IdsAsync("people", new() { Conditions = [Where("name", RecordOperator.Eq, "x' OR '1'='1")] }));
        Assert.Equal(["eve"], await IdsAsync("people", new() { Conditions = [Where("name", RecordOperator.Eq, "Eve' OR 1=1 --")] }));
        Assert.Empty(await IdsAsync("people", new() { Conditions = [Where("a-b", RecordOperator.Exists, true)] }));
    }

    [Fact]
    public async Task QueryRecords_OrderedByAField_NumbersThenStringsThenBooleansThenNone_AndPaged()
    {
        await SaveAsync(TenantA, "mixed",
            Rec("s-b", """{"v": "b"}"""), Rec("n-10", """{"v": 10}"""), Rec("none", """{"w": 1}"""), Rec("s-B", """{"v": "B"}"""),
            Rec("t", """{"v": true}"""), Rec("n-2.5", """{"v": 2.5}"""), Rec("f", """{"v": false}"""), Rec("null", """{"v": null}"""));
        var order = Path("v");

        var ascending = await IdsAsync("mixed", new() { OrderBy = order });
        var descending = await IdsAsync("mixed", new() { OrderBy = order, Descending = true });
        var page = await Store.QueryRecordsAsync(TenantA, "mixed", new() { OrderBy = order, Offset = 2, Limit = 3 }, Ct);

        Assert.Equal(["n-2.5", "n-10", "s-B", "s-b", "f", "t", "none", "null"], ascending);
        Assert.Equal(["null", "none", "t", "f", "s-b", "s-B", "n-10", "n-2.5"], descending);
        Assert.Equal(8, page.Total);
        Assert.Equal(["s-B", "s-b", "f"], page.Records.Select(r => r.Id));
        Assert.Equal(["null", "f", "n-2.5"], await IdsAsync("mixed", new() { Descending = true, Limit = 3 }));
    }

    [Fact]
    public async Task KeyedCollection_RefusesWritesWithAnotherKeyOrNone_AndChangesNothing()
    {
        await Store.SaveRecordsAsync(TenantA, "users", "email", [Rec("a@x.io", """{"email": "a@x.io"}""")], Limits, T0, Ct);

        var other = await Assert.ThrowsAsync<CollectionWriteRefusedException>(() =>
            Store.SaveRecordsAsync(TenantA, "users", "id", [Rec("7", """{"id": 7}""")], Limits, T0, Ct));
        var none = await Assert.ThrowsAsync<CollectionWriteRefusedException>(() => SaveAsync(TenantA, "users", Rec("x", "{}")));
        var keyedIntoPlain = await Assert.ThrowsAsync<CollectionWriteRefusedException>(async () =>
        {
            await SaveAsync(TenantA, "plain", Rec("x", "{}"));
            await Store.SaveRecordsAsync(TenantA, "plain", "email", [Rec("y", "{}")], Limits, T0, Ct);
        });

        Assert.All([other, none, keyedIntoPlain], e => Assert.Equal("collection_key_mismatch", e.Code));
        Assert.Equal(["a@x.io"], await IdsAsync("users", new()));
        Assert.Equal("email", (await Store.GetCollectionAsync(TenantA, "users", Ct))?.KeyField);
    }

    [Fact]
    public async Task Caps_RefuseAWholeWriteThatWouldPassThem_AndCountOnlyNewIds()
    {
        var limits = new CollectionLimits { MaxRecordsPerCollection = 3, MaxCollectionsPerTenant = 2 };
        await Store.SaveRecordsAsync(TenantA, "small", null, [Rec("1", "{}"), Rec("2", "{}")], limits, T0, Ct);

        var full = await Assert.ThrowsAsync<CollectionWriteRefusedException>(() =>
            Store.SaveRecordsAsync(TenantA, "small", null, [Rec("2", """{"changed": true}"""), Rec("3", "{}"), Rec("4", "{}")], limits, T0, Ct));
        var replaced = await Store.SaveRecordsAsync(TenantA, "small", null, [Rec("1", """{"v": 1}"""), Rec("2", "{}"), Rec("3", "{}")], limits, T0, Ct);
        await Store.SaveRecordsAsync(TenantA, "second", null, [Rec("1", "{}")], limits, T0, Ct);
        var third = await Assert.ThrowsAsync<CollectionWriteRefusedException>(() =>
            Store.SaveRecordsAsync(TenantA, "third", null, [Rec("1", "{}")], limits, T0, Ct));
        await Store.SaveRecordsAsync(TenantB, "third", null, [Rec("1", "{}")], limits, T0, Ct);

        Assert.Equal("collection_full", full.Code);
        Assert.Equal(new RecordsSaved(1, 2), replaced);
        Assert.Equal("too_many_collections", third.Code);
        Assert.Null(await Store.GetCollectionAsync(TenantA, "third", Ct));
        Assert.Equal(["second", "small"], (await Store.ListCollectionsAsync(TenantA, Ct)).Select(c => c.Name));
        Assert.Equal(3, (await Store.GetCollectionAsync(TenantA, "small", Ct))?.RecordCount);
    }

    [Fact]
    public async Task ConcurrentWrites_ToOneCollection_KeepItsCountAndCap()
    {
        var limits = new CollectionLimits { MaxRecordsPerCollection = 50 };
        var writes = Enumerable.Range(0, 8).Select(async w =>
        {
            try
            {
                await Store.SaveRecordsAsync(TenantA, "busy", null, [.. Enumerable.Range(0, 10).Select(i => Rec($"{w}-{i}", $$"""{"w": {{w}}}"""))], limits, T0, Ct);
                return true;
            }
            catch (CollectionWriteRefusedException e) when (e.Code == "collection_full")
            {
                return false;
            }
        });

        var succeeded = (await Task.WhenAll(writes)).Count(ok => ok);

        Assert.Equal(5, succeeded);
        Assert.Equal(50, (await Store.GetCollectionAsync(TenantA, "busy", Ct))?.RecordCount);
        Assert.Equal(50, (await Store.QueryRecordsAsync(TenantA, "busy", new() { Limit = 1 }, Ct)).Total);
    }

    [Fact]
    public async Task Collections_OfOneTenant_AreInvisibleAndUntouchableToAnother()
    {
        await SaveAsync(TenantA, "shared-name", Rec("a", """{"owner": "a"}"""));
        await SaveAsync(TenantB, "shared-name", Rec("b", """{"owner": "b"}"""), Rec("b2", """{"owner": "b"}"""));

        Assert.Equal(["a"], await IdsAsync("shared-name", new()));
        Assert.Equal(["b", "b2"], await IdsAsync("shared-name", new(), TenantB));
        Assert.Equal(1, (await Store.GetCollectionAsync(TenantA, "shared-name", Ct))?.RecordCount);
        Assert.Equal(2, await Store.DeleteCollectionAsync(TenantB, "shared-name", Ct));
        Assert.Null(await Store.DeleteCollectionAsync(TenantB, "shared-name", Ct));
        Assert.Empty(await Store.ListCollectionsAsync(TenantB, Ct));
        Assert.Equal(["a"], await IdsAsync("shared-name", new()));
        Assert.Empty(await IdsAsync("never-written", new()));
        Assert.Null(await Store.GetCollectionAsync(TenantA, "never-written", Ct));
    }
}
