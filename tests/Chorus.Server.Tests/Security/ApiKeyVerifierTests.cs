using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Security;
using Chorus.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Server.Tests.Security;

/// <summary>The verifier on a real SQLite store: the key's format, what is kept of it, and every way a key is refused.</summary>
public sealed partial class ApiKeyVerifierTests : IAsyncLifetime
{
    private static readonly TenantId Acme = new("acme");
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"chorus-apikeys-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private SqliteStore? _store;

    private SqliteStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(_path, fullSync: false);

    public async Task DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_path + suffix);
    }

    private ApiKeyVerifier Verifier(IApiKeyStore? store = null) => new(store ?? Store, _time, NullLogger<ApiKeyVerifier>.Instance);

    [GeneratedRegex("^chorus_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")]
    private static partial Regex KeyFormat();

    [Fact]
    public async Task CreateAsync_Key_IsChorusPrefixSixteenHexIdAndA32ByteBase64UrlSecret()
    {
        var created = await Verifier().CreateAsync(Acme, "deployer", Role.Member, "alice", Ct);

        var match = KeyFormat().Match(created.Key);
        Assert.True(match.Success, created.Key);
        Assert.Equal(created.Record.Id, match.Groups[1].Value);
        var secret = match.Groups[2].Value;
        Assert.Equal(32, Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), created.Record.Hash);
        Assert.Equal(("deployer", "member", "alice", _time.GetUtcNow()), (created.Record.Name, created.Record.Role, created.Record.CreatedBy, created.Record.CreatedAt));
    }

    [Fact]
    public async Task CreateAsync_TwoKeys_HaveDifferentIdsAndSecrets()
    {
        var first = await Verifier().CreateAsync(Acme, "a", Role.Viewer, "alice", Ct);
        var second = await Verifier().CreateAsync(Acme, "b", Role.Viewer, "alice", Ct);

        Assert.NotEqual(first.Record.Id, second.Record.Id);
        Assert.NotEqual(first.Key[24..], second.Key[24..]);
    }

    [Fact]
    public async Task CreateAsync_TheSecret_NeverReachesTheDatabaseFile()
    {
        var created = await Verifier().CreateAsync(Acme, "deployer", Role.Admin, "alice", Ct);
        var secret = created.Key[("chorus_".Length + 16 + 1)..];
        await Store.DisposeAsync();
        _store = null;
        SqliteConnection.ClearAllPools();

        var bytes = string.Concat(new[] { "", "-wal" }.Where(s => File.Exists(_path + s)).Select(s => Encoding.Latin1.GetString(File.ReadAllBytes(_path + s))));
        Assert.Contains(created.Record.Id, bytes);
        Assert.DoesNotContain(secret, bytes);
        _store = await SqliteStore.OpenAsync(_path, fullSync: false);
    }

    [Fact]
    public async Task VerifyAsync_TheKeyAsCreated_GivesItsTenantRoleAndSubject()
    {
        var created = await Verifier().CreateAsync(Acme, "deployer", Role.Member, "alice", Ct);

        var check = await Verifier().VerifyAsync(created.Key, Ct);

        Assert.Null(check.Failure);
        var principal = Assert.IsType<System.Security.Claims.ClaimsPrincipal>(check.Principal);
        Assert.Equal(AuthSchemes.ApiKey, principal.Identity?.AuthenticationType);
        Assert.True(principal.Identity?.IsAuthenticated);
        Assert.Equal($"apikey:{created.Record.Id}", principal.FindFirst(ChorusClaims.Subject)?.Value);
        Assert.Equal("acme", principal.FindFirst(ChorusClaims.TenantId)?.Value);
        Assert.Equal("member", principal.FindFirst(ChorusClaims.Role)?.Value);
        Assert.Equal(created.Record.Id, principal.FindFirst("api_key_id")?.Value);
    }

    [Fact]
    public async Task VerifyAsync_WrongSecret_IsRefused()
    {
        var created = await Verifier().CreateAsync(Acme, "deployer", Role.Admin, "alice", Ct);
        var last = created.Key[^1];
        var tampered = created.Key[..^1] + (last == 'A' ? 'B' : 'A');

        var check = await Verifier().VerifyAsync(tampered, Ct);

        Assert.Null(check.Principal);
        Assert.Equal("The API key is unknown or revoked.", check.Failure);
    }

    [Fact]
    public async Task VerifyAsync_AnotherKeysSecretWithThisId_IsRefused()
    {
        var mine = await Verifier().CreateAsync(Acme, "mine", Role.Viewer, "alice", Ct);
        var admin = await Verifier().CreateAsync(Acme, "admin", Role.Admin, "alice", Ct);
        var spliced = $"chorus_{admin.Record.Id}_{mine.Key[24..]}";

        Assert.Null((await Verifier().VerifyAsync(spliced, Ct)).Principal);
    }

    [Fact]
    public async Task VerifyAsync_RevokedKey_IsRefusedWithTheSameMessage()
    {
        var created = await Verifier().CreateAsync(Acme, "deployer", Role.Admin, "alice", Ct);
        Assert.NotNull((await Verifier().VerifyAsync(created.Key, Ct)).Principal);

        Assert.True(await Store.RevokeApiKeyAsync(Acme, created.Record.Id, _time.GetUtcNow(), Ct));

        var check = await Verifier().VerifyAsync(created.Key, Ct);
        Assert.Null(check.Principal);
        Assert.Equal("The API key is unknown or revoked.", check.Failure);
    }

    [Fact]
    public async Task VerifyAsync_UnknownId_IsRefused()
    {
        var check = await Verifier().VerifyAsync("chorus_0123456789abcdef_" + new string('A', 43), Ct);

        Assert.Null(check.Principal);
        Assert.Equal("The API key is unknown or revoked.", check.Failure);
    }

    public static TheoryData<string> MalformedKeys => new()
    {
        "",
        " ",
        "chorus_",
        "chorus__",
        "chorus_0123456789abcdef",
        "chorus_0123456789abcdef_",
        "chorus_0123456789ABCDEF_" + new string('A', 43),
        "chorus_0123456789abcde_" + new string('A', 44),
        "chorus_0123456789abcdefg" + new string('A', 43),
        "chorus_' OR 1=1 --_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "CHORUS_0123456789abcdef_" + new string('A', 43),
        "Bearer chorus_0123456789abcdef_" + new string('A', 43),
        "chorus_0123456789abcdef_" + new string('A', 100_000),
        "chorus_０１２３４５６７８９abcdef_" + new string('A', 43),
        "chorus_0123456789abcdef_\u0000\uD800",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    };

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task VerifyAsync_MalformedText_IsRefusedWithoutThrowing(string presented)
    {
        await Verifier().CreateAsync(Acme, "deployer", Role.Admin, "alice", Ct);

        var check = await Verifier().VerifyAsync(presented, Ct);

        Assert.Null(check.Principal);
        Assert.Equal("The API key is unknown or revoked.", check.Failure);
    }

    [Fact]
    public async Task VerifyAsync_ManyUses_WritesTheLastUseAtMostOnceAMinute()
    {
        var verifier = Verifier();
        var created = await verifier.CreateAsync(Acme, "deployer", Role.Member, "alice", Ct);
        var first = _time.GetUtcNow();

        await verifier.VerifyAsync(created.Key, Ct);
        Assert.Equal(first, (await Store.GetApiKeyAsync(Acme, created.Record.Id, Ct))?.LastUsedAt);

        _time.Advance(TimeSpan.FromSeconds(59));
        await verifier.VerifyAsync(created.Key, Ct);
        Assert.Equal(first, (await Store.GetApiKeyAsync(Acme, created.Record.Id, Ct))?.LastUsedAt);

        _time.Advance(TimeSpan.FromSeconds(1));
        await verifier.VerifyAsync(created.Key, Ct);
        Assert.Equal(first.AddMinutes(1), (await Store.GetApiKeyAsync(Acme, created.Record.Id, Ct))?.LastUsedAt);
    }

    [Fact]
    public async Task VerifyAsync_RefusedKey_DoesNotTouchTheLastUse()
    {
        var created = await Verifier().CreateAsync(Acme, "deployer", Role.Member, "alice", Ct);

        await Verifier().VerifyAsync(created.Key[..^1] + (created.Key[^1] == 'A' ? 'B' : 'A'), Ct);

        Assert.Null((await Store.GetApiKeyAsync(Acme, created.Record.Id, Ct))?.LastUsedAt);
    }

    [Fact]
    public async Task VerifyAsync_LastUseCannotBeWritten_StillAcceptsTheKeyAndTriesAgainNextTime()
    {
        var failing = new TouchFailingStore(Store);
        var verifier = Verifier(failing);
        var created = await verifier.CreateAsync(Acme, "deployer", Role.Member, "alice", Ct);

        Assert.NotNull((await verifier.VerifyAsync(created.Key, Ct)).Principal);
        Assert.Equal(1, failing.Attempts);

        failing.Fail = false;
        Assert.NotNull((await verifier.VerifyAsync(created.Key, Ct)).Principal);
        Assert.Equal(2, failing.Attempts);
        Assert.Equal(_time.GetUtcNow(), (await Store.GetApiKeyAsync(Acme, created.Record.Id, Ct))?.LastUsedAt);
    }

    /// <summary>The real store, except that writing a key's last use fails while <see cref="Fail"/> is set.</summary>
    private sealed class TouchFailingStore(IApiKeyStore inner) : IApiKeyStore
    {
        public bool Fail { get; set; } = true;
        public int Attempts { get; private set; }

        public Task CreateApiKeyAsync(ApiKeyRecord key, CancellationToken ct) => inner.CreateApiKeyAsync(key, ct);
        public Task<ApiKeyRecord?> FindApiKeyAsync(string id, CancellationToken ct) => inner.FindApiKeyAsync(id, ct);
        public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(TenantId tenant, CancellationToken ct) => inner.ListApiKeysAsync(tenant, ct);
        public Task<ApiKeyRecord?> GetApiKeyAsync(TenantId tenant, string id, CancellationToken ct) => inner.GetApiKeyAsync(tenant, id, ct);
        public Task<bool> RevokeApiKeyAsync(TenantId tenant, string id, DateTimeOffset at, CancellationToken ct) => inner.RevokeApiKeyAsync(tenant, id, at, ct);

        public Task TouchApiKeyAsync(string id, DateTimeOffset at, CancellationToken ct)
        {
            Attempts++;
            return Fail ? throw new SqliteException("disk I/O error", 10) : inner.TouchApiKeyAsync(id, at, ct);
        }
    }
}
