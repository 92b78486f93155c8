using System.Net.Http.Headers;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Files;

/// <summary>Uploads and downloads of the file store's API, as a caller of a given role.</summary>
internal static class FileCalls
{
    public static Task<ApiResponse> Upload(this HttpClient client, string tenant, byte[] bytes, string? contentType, string? name, Role role = Role.Admin) =>
        client.Send(HttpMethod.Post, name is null ? "/api/files" : $"/api/files?name={Uri.EscapeDataString(name)}", tenant,
            ApiCalls.Raw(bytes, contentType), headers: As(tenant, role));

    /// <summary>A multipart/form-data upload with one file part per entry.</summary>
    public static Task<ApiResponse> UploadForm(this HttpClient client, string tenant, params (byte[] Bytes, string ContentType, string FileName)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (bytes, type, fileName) in parts)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            form.Add(part, "file", fileName);
        }
        return client.Send(HttpMethod.Post, "/api/files", tenant, form);
    }

    /// <summary>Uploads and returns the new file's id, failing the test on any other answer than 201.</summary>
    public static async Task<string> UploadOk(this HttpClient client, string tenant, byte[] bytes, string contentType, string name) =>
        (await client.Upload(tenant, bytes, contentType, name)).Expect(System.Net.HttpStatusCode.Created).Str("id")!;

    public static async Task<(HttpResponseMessage Response, byte[] Bytes)> Download(this HttpClient client, string tenant, string id, Role role = Role.Admin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/files/{id}/content");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(tenant, role));
        request.Headers.Add("X-Tenant-ID", tenant);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    public static KeyValuePair<string, string>[] As(string tenant, Role role) => [new("Authorization", $"Bearer {TestTokens.For(tenant, role)}")];
}
