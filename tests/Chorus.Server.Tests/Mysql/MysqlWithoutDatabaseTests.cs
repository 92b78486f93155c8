using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Mysql;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Mysql;

/// <summary>The mysql step where no database can be used: a server without MYSQL_URL, a tenant's host that the default
/// outbound policy refuses, and MYSQL_* settings that stop the server without showing their value.</summary>
public sealed class MysqlWithoutDatabaseTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task WithoutADatabase_TheStepFails_SayingWhatToSet()
    {
        var run = await EmailTestSupport.RunAsync(fixture.Client, ApiCalls.NewTenant(), MysqlStepTests.Workflow("""{"query": "SELECT 1"}""", attempts: 3));

        Assert.Equal("step_configuration_error", run.Ended.Str("error.code"));
        Assert.Contains("MYSQL_URL", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
    }

    [Fact]
    public async Task ATenantsDatabaseOnALoopbackAddress_IsRefusedByTheOutboundPolicy_BeforeAnyConnection()
    {
        var tenant = ApiCalls.NewTenant();
        (await fixture.Client.Post("/api/secrets", tenant, new JsonObject { ["name"] = "inside", ["value"] = "mysql://root:s3cret-inside@127.0.0.1:3306/mysql" }))
            .Expect(HttpStatusCode.Created);

        var run = await EmailTestSupport.RunAsync(fixture.Client, tenant, MysqlStepTests.Workflow("""{"connection": "inside", "query": "SELECT 1"}""", attempts: 3));

        Assert.Equal("http_target_refused", run.Ended.Str("error.code"));
        Assert.Equal(1, run.Attempts("mail"));
        Assert.DoesNotContain("s3cret-inside", run.Everything);
    }

    [Theory]
    [InlineData("MYSQL_URL", "mysql://user:pa55word-in-url@/nohost")]
    [InlineData("MYSQL_CONNECTION_STRING", "Password=pa55word-in-string;this is not a pair")]
    public void AMalformedSetting_StopsTheServer_NamingTheVariableButNotItsValue(string name, string value)
    {
        var ex = Assert.Throws<Chorus.Server.Hosting.OptionsException>(() => MysqlSettings.FromEnvironment(n => n == name ? value : null));

        Assert.StartsWith(name, ex.Message);
        Assert.DoesNotContain("pa55word", ex.Message);
    }

    [Fact]
    public void BothSettings_StopTheServer_AndTheSettingsNeverPrintTheirValue()
    {
        Assert.Throws<Chorus.Server.Hosting.OptionsException>(() => MysqlSettings.FromEnvironment(_ => "mysql://u:p@h/db"));
        var settings = MysqlSettings.FromEnvironment(n => n == "MYSQL_URL" ? "mysql://u:visible-pass@db.example:3307/shop" : null);

        Assert.DoesNotContain("visible-pass", settings.ToString());
        Assert.Contains("Port=3307", settings.ConnectionString);
    }
}
