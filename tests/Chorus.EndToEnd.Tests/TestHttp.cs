using System.Net.Http.Headers;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests;

/// <summary>HTTP clients of the test servers, each acting as an admin of one tenant with a token signed by
/// <see cref="TestTokens.Secret"/>, which every server these tests start verifies with.</summary>
internal static class TestHttp
{
    public static HttpClient Client(Uri server, string tenant, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = server, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(tenant));
        return http;
    }
}
