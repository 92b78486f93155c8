using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Mysql;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Mysql;

/// <summary>The mysql step against a real MariaDB: parameters that stay parameters, reads that the database keeps
/// read-only, writes when allowed, the row cap, a server that is down or slow, refusals at save, and connection strings
/// that never show.</summary>
public sealed class MysqlStepTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private HttpClient Client => fixture.Server.Client;

    internal static JsonObject Workflow(string config, int attempts = 1) =>
        EmailTestSupport.OneStep("mysql", config, $$"""{"max_attempts": {{attempts}}, "initial_interval": "10ms"}""");

    private Task<Run> RunAsync(string config, JsonNode? input = null, int attempts = 1, string? tenant = null) =>
        EmailTestSupport.RunAsync(Client, tenant ?? ApiCalls.NewTenant(), Workflow(config, attempts), input);

    private async Task<long> ProductsAsync() => Convert.ToInt64(await fixture.Database.ScalarAsync("SELECT COUNT(*) FROM shop.products"));

    [Fact]
    public async Task ARead_WithParameters_GivesRowsColumnsAndTypes()
    {
        var run = await RunAsync("""
            {"query": "SELECT id, name, price, in_stock, added, notes FROM products WHERE price >= @min AND in_stock = @stock ORDER BY price",
             "parameters": {"min": "{{ $.input.min }}", "stock": true}}
            """, new JsonObject { ["min"] = 5.5 });

        Assert.Equal("completed", run.Status);
        var output = run.Output("mail")!;
        Assert.Equal(2, (int)output["count"]!);
        Assert.False((bool)output["truncated"]!);
        Assert.Equal(["id", "name", "price", "in_stock", "added", "notes"], output["columns"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id": 4, "name": "Mate", "price": 7.25, "in_stock": true, "added": "2026-03-11", "notes": null}"""),
            output["rows"]![0]), output["rows"]![0]!.ToJsonString());
        Assert.Equal("Coffee", (string?)output["rows"]![1]!["name"]);
    }

    [Fact]
    public async Task AnInjectionAttempt_StaysAParameter()
    {
        var run = await RunAsync("""{"query": "SELECT name FROM products WHERE name = @name", "parameters": {"name": "{{ $.input.name }}"}}""",
            new JsonObject { ["name"] = "x' OR '1'='1'; DROP TABLE products; --" });
        var semicolon = await RunAsync("""{"query": "SELECT name FROM products WHERE notes = @notes", "parameters": {"notes": "dark; roasted"}}""");

        Assert.Equal("completed", run.Status);
        Assert.Equal(0, (int)run.Output("mail")!["count"]!);
        Assert.Equal("Coffee", (string?)semicolon.Output("mail")!["rows"]![0]!["name"]);
        Assert.Equal(5, await ProductsAsync());
    }

    [Theory]
    [InlineData("DELETE FROM products")]
    [InlineData("UPDATE products SET price = 0")]
    [InlineData("INSERT INTO products (name, price, in_stock, added) VALUES ('X', 1, TRUE, '2026-01-01')")]
    [InlineData("DROP TABLE products")]
    [InlineData("CREATE TABLE sneaky (id INT)")]
    [InlineData("TRUNCATE products")]
    public async Task AWrite_WithoutAllowWrites_IsRefusedByTheDatabase_NotRetried_AndChangesNothing(string query)
    {
        var run = await RunAsync($$"""{"query": "{{query}}"}""", attempts: 3);

        Assert.Equal("failed", run.Status);
        Assert.Equal("mysql_read_only", run.Ended.Str("error.code"));
        Assert.Contains("allow_writes", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
        Assert.Equal(5, await ProductsAsync());
        Assert.Equal(0L, Convert.ToInt64(await fixture.Database.ScalarAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'sneaky'")));
        Assert.Equal(32.75m, Convert.ToDecimal(await fixture.Database.ScalarAsync("SELECT SUM(price) FROM shop.products")));
    }

    [Fact]
    public async Task AllowWrites_Inserts_AndAnswersAffectedRowsAndTheNewId()
    {
        await fixture.Database.ExecuteAsync("CREATE TABLE IF NOT EXISTS shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(50), qty INT)");

        var run = await RunAsync("""
            {"query": "INSERT INTO orders (item, qty) VALUES (@item, @qty)", "parameters": {"item": "{{ $.input.item }}", "qty": 3}, "allow_writes": true}
            """, new JsonObject { ["item"] = "Tea" });

        Assert.Equal("completed", run.Status);
        Assert.Equal(1, (int)run.Output("mail")!["affected_rows"]!);
        var id = (long)run.Output("mail")!["last_insert_id"]!;
        Assert.True(id > 0);
        Assert.Equal("Tea", await fixture.Database.ScalarAsync($"SELECT item FROM shop.orders WHERE id = {id}"));
    }

    [Fact]
    public async Task MaxRows_CapsTheRows_AndSaysSo()
    {
        var run = await RunAsync("""{"query": "SELECT name FROM products ORDER BY id", "max_rows": 2}""");

        Assert.Equal(2, (int)run.Output("mail")!["count"]!);
        Assert.True((bool)run.Output("mail")!["truncated"]!);
        Assert.Equal(["Tea", "Coffee"], run.Output("mail")!["rows"]!.AsArray().Select(r => (string)r!["name"]!));
    }

    [Fact]
    public async Task AStatementSlowerThanItsTimeout_FailsAsATimeout_AndIsRetried()
    {
        var run = await RunAsync("""{"query": "SELECT SLEEP(10) AS slept", "timeout_seconds": 1}""", attempts: 2);

        Assert.Equal("failed", run.Status);
        Assert.Equal("mysql_timeout", run.Ended.Str("error.code"));
        Assert.Equal(2, run.Attempts("mail"));
    }

    [Fact]
    public async Task ADatabaseThatIsDown_FailsAsUnavailable_AndIsRetried()
    {
        var tenant = ApiCalls.NewTenant();
        var port = RedisProcess.FreePort();
        await Secret(tenant, "down_db", $"mysql://chorus:{MariaDbProcess.Password}@127.0.0.1:{port}/shop");

        var run = await RunAsync("""{"connection": "down_db", "query": "SELECT 1", "timeout_seconds": 5}""", attempts: 2, tenant: tenant);

        Assert.Equal("failed", run.Status);
        Assert.Equal("mysql_unavailable", run.Ended.Str("error.code"));
        Assert.Equal(2, run.Attempts("mail"));
        Assert.DoesNotContain(MariaDbProcess.Password, run.Everything);
    }

    [Fact]
    public async Task ATenantsOwnConnection_IsUsed_AndItsPasswordShowsNowhere_EvenWhenRefused()
    {
        var tenant = ApiCalls.NewTenant();
        await Secret(tenant, "shop_db", fixture.Database.Url);
        const string wrong = "Wr0ng-Pa55-that-must-not-show";
        await Secret(tenant, "wrong_db", fixture.Database.Url.Replace(MariaDbProcess.Password, wrong, StringComparison.Ordinal));

        var ok = await RunAsync("""{"connection": "shop_db", "query": "SELECT COUNT(*) AS n FROM products"}""", tenant: tenant);
        var refused = await RunAsync("""{"connection": "wrong_db", "query": "SELECT 1"}""", attempts: 3, tenant: tenant);
        var missing = await RunAsync("""{"connection": "no_such_secret", "query": "SELECT 1"}""", tenant: tenant);

        Assert.Equal(5, (int)ok.Output("mail")!["rows"]![0]!["n"]!);
        Assert.Equal("mysql_unauthorized", refused.Ended.Str("error.code"));
        Assert.Equal(1, refused.Attempts("mail"));
        Assert.Equal("step_configuration_error", missing.Ended.Str("error.code"));
        foreach (var run in new[] { ok, refused, missing })
        {
            Assert.DoesNotContain(MariaDbProcess.Password, run.Everything);
            Assert.DoesNotContain(wrong, run.Everything);
            Assert.DoesNotContain("mysql://", run.Everything);
        }
    }

    [Fact]
    public async Task ASecretThatIsNoConnection_FailsWithoutShowingIt()
    {
        var tenant = ApiCalls.NewTenant();
        await Secret(tenant, "garbage", "Server=;Password=hunter2-garbage");

        var run = await RunAsync("""{"connection": "garbage", "query": "SELECT 1"}""", tenant: tenant);

        Assert.Equal("step_configuration_error", run.Ended.Str("error.code"));
        Assert.Contains("does not hold a MySQL connection", run.Ended.Str("error.message"));
        Assert.DoesNotContain("hunter2", run.Everything);
    }

    [Fact]
    public async Task AQueryTheDatabaseRefuses_FailsWithItsReason_NotRetried()
    {
        var run = await RunAsync("""{"query": "SELECT nope FROM products"}""", attempts: 3);

        Assert.Equal("mysql_query_error", run.Ended.Str("error.code"));
        Assert.Contains("nope", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
    }

    [Theory]
    [InlineData("""{"parameters": {}}""", "config.query")]
    [InlineData("""{"query": "SELECT 1; DELETE FROM products"}""", "config.query")]
    [InlineData("""{"query": "SELECT * FROM products WHERE name = '{{ input.name }}'"}""", "config.query")]
    [InlineData("""{"query": "SELECT 1", "connection": "not a name"}""", "config.connection")]
    [InlineData("""{"query": "SELECT 1", "parameters": {"1bad": 1}}""", "config.parameters.1bad")]
    [InlineData("""{"query": "SELECT 1", "parameters": [1]}""", "config.parameters")]
    [InlineData("""{"query": "SELECT 1", "allow_writes": "yes"}""", "config.allow_writes")]
    [InlineData("""{"query": "SELECT 1", "timeout_seconds": 0}""", "config.timeout_seconds")]
    [InlineData("""{"query": "SELECT 1", "max_rows": 20000}""", "config.max_rows")]
    [InlineData("""{"query": "SELECT 1", "database": "x"}""", "config.database")]
    public async Task BadConfig_IsRefusedAtSave_WithTheField(string config, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), Workflow(config))).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }

    [Fact]
    public async Task ATrailingSemicolon_IsOneStatement()
    {
        var run = await RunAsync("""{"query": "SELECT COUNT(*) AS n FROM products;"}""");

        Assert.Equal(5, (int)run.Output("mail")!["rows"]![0]!["n"]!);
    }

    [Fact]
    public async Task TheDocumentedExample_Saves_AndRunsAgainstTheServersDatabase()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Telemetry.DashboardTests.RepositoryRoot(), "docs", "steps", "mysql.md"));
        var start = page.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var step = JsonNode.Parse(page[start..page.IndexOf("```", start, StringComparison.Ordinal)])!;

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), new JsonObject { ["name"] = "documented", ["steps"] = new JsonArray(step) },
            new JsonObject { ["min_price"] = 6 });

        Assert.Equal("completed", run.Status);
        Assert.Equal(["Coffee", "Mate"], run.Output((string)step["id"]!)!["rows"]!.AsArray().Select(r => (string)r!["name"]!));
    }

    private async Task Secret(string tenant, string name, string value) =>
        (await Client.Post("/api/secrets", tenant, new JsonObject { ["name"] = name, ["value"] = value })).Expect(HttpStatusCode.Created);
}
