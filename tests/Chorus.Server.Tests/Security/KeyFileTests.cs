using System.Net;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Security;

/// <summary>Without JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_FILE the server signs with a key file it generates beside
/// the database, keeps it across restarts, and listens on the loopback interface only.</summary>
public sealed class KeyFileTests
{
    [Fact]
    public async Task GeneratedKeyFile_IsPrivate_SignsTheAcceptedTokens_AndSurvivesARestart()
    {
        var database = Path.Combine(Path.GetTempPath(), $"chorus-keyfile-{Guid.NewGuid():N}.db");
        var tenant = ApiCalls.NewTenant();
        try
        {
            string token;
            await using (var first = await ChorusTestServer.StartAsync(databasePath: database, configure: o => o with { Auth = new AuthSettings() }))
            {
                var key = SigningKeyFile.TryLoad(database + ".key");
                Assert.NotNull(key);
                if (!OperatingSystem.IsWindows())
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database + ".key"));
                token = TokenIssuer.Mint(key, "key-file-test", [tenant], "admin", TimeSpan.FromMinutes(10));
                var withTestSecret = TestTokens.For(tenant);

                var created = await first.Client.SendAs(HttpMethod.Post, "/api/workflows", token, body: Definitions.Greeting("signed by the key file"));
                var refused = await first.Client.SendAs(HttpMethod.Post, "/api/workflows", withTestSecret, body: Definitions.Greeting("planted"));

                created.Expect(HttpStatusCode.Created);
                refused.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized").DoesNotEcho(withTestSecret);
            }
            await using var second = await ChorusTestServer.StartAsync(databasePath: database, configure: o => o with { Auth = new AuthSettings() });

            var list = (await second.Client.SendAs(HttpMethod.Get, "/api/workflows", token)).Expect(HttpStatusCode.OK);

            Assert.Equal("signed by the key file", list.Str("items.0.name"));
            Assert.Equal(1, list.Node("total")!.GetValue<int>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", ".key" })
                File.Delete(database + suffix);
        }
    }

    [Fact]
    public async Task NonLoopbackListening_WithoutAConfiguredKey_IsRefused()
    {
        var database = Path.Combine(Path.GetTempPath(), $"chorus-open-{Guid.NewGuid():N}.db");
        var options = new ServerOptions { DatabasePath = database, FullSync = false, Auth = new AuthSettings() };
        try
        {
            var refusal = await Assert.ThrowsAsync<OptionsException>(() => ChorusServer.BuildAsync(["--urls", "http://0.0.0.0:0"], options));

            Assert.Contains("JWT_SECRET", refusal.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(database + ".key"), "no key file should be generated for a refused configuration");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", ".key" })
                File.Delete(database + suffix);
        }
    }
}
