using System.Collections.Concurrent;
using Chorus.Server.Security;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>Tokens for the test servers, which verify HS256 with <see cref="Secret"/>. Most tests act as an admin
/// of the tenant they name; the security tests mint their own variations.</summary>
public static class TestTokens
{
    public const string Secret = "chorus-test-secret-of-at-least-thirty-two-bytes";

    /// <summary>The audience every test token names; a server configured with it (the bad-request corpus's) checks it,
    /// the others ignore it.</summary>
    public const string Audience = "chorus-tests";

    public static byte[] Key => System.Text.Encoding.UTF8.GetBytes(Secret);

    private static readonly ConcurrentDictionary<(string, Role), string> Cache = new();

    /// <summary>A token for one tenant and role, valid for an hour (minted once per pair).</summary>
    public static string For(string tenant, Role role = Role.Admin) =>
        Cache.GetOrAdd((tenant, role), k => TokenIssuer.Mint(Key, $"test-{k.Item2.Name()}", [k.Item1], k.Item2.Name(), TimeSpan.FromHours(1), audience: Audience));
}
