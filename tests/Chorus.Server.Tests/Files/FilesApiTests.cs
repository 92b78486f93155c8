using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Files;

/// <summary>/api/files on a real server: uploads raw and as a form, what is refused (type, content, size, name) with
/// nothing stored, downloads, tenancy and roles.</summary>
public sealed class FilesApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Client;

    private async Task<int> CountAsync(string tenant) => (await Client.Get("/api/files", tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>();

    [Fact]
    public async Task RawUpload_IsStored_AndDownloadsAsAnAttachmentOfItsType()
    {
        var tenant = ApiCalls.NewTenant();
        var bytes = SampleFiles.Csv("name,age\nAda,36\n");

        var created = (await Client.Upload(tenant, bytes, "text/csv; charset=utf-8", "people.csv")).Expect(HttpStatusCode.Created);

        var id = created.Str("id")!;
        Assert.Equal($"/api/files/{id}", created.Location);
        Assert.Equal(("people.csv", "text/csv", bytes.Length), (created.Str("name"), created.Str("content_type"), created.Node("size")!.GetValue<int>()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), created.Str("sha256"));
        Assert.Null(created.Node("execution_id"));
        var read = (await Client.Get($"/api/files/{id}", tenant)).Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(created.Body, read.Body), read.Text);
        var (response, content) = await Client.Download(tenant, id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, content);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("people.csv", response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task FormUpload_TakesTheFilePartsNameAndType()
    {
        var tenant = ApiCalls.NewTenant();
        var pdf = SampleFiles.Pdf("Invoice 42");

        var created = (await Client.UploadForm(tenant, (pdf, "application/pdf", "invoice.pdf"))).Expect(HttpStatusCode.Created);

        Assert.Equal(("invoice.pdf", "application/pdf"), (created.Str("name"), created.Str("content_type")));
        Assert.Equal(pdf, (await Client.Download(tenant, created.Str("id")!)).Bytes);
    }

    [Fact]
    public async Task EveryAllowedType_WithMatchingBytes_IsStored_AndOctetStreamIsNamedByTheExtension()
    {
        var tenant = ApiCalls.NewTenant();
        var cases = new (byte[] Bytes, string Type, string Name, string Stored)[]
        {
            (SampleFiles.Csv("a,b\n1,2\n"), "text/csv", "a.csv", "text/csv"),
            (Encoding.UTF8.GetBytes("\uFEFFnotes ü"), "text/plain", "a.txt", "text/plain"),
            (Encoding.UTF8.GetBytes("""{"a": [1, 2]}"""), "application/json", "a.json", "application/json"),
            (SampleFiles.Pdf("x"), "application/pdf", "a.pdf", "application/pdf"),
            (SampleFiles.Xlsx([new() { ["a"] = 1 }]), SampleFiles.XlsxType, "a.xlsx", SampleFiles.XlsxType),
            (SampleFiles.Png(), "image/png", "a.png", "image/png"),
            (SampleFiles.Jpeg(), "image/jpeg", "a.jpg", "image/jpeg"),
            (SampleFiles.Pdf("y"), "application/octet-stream", "b.pdf", "application/pdf"),
        };

        foreach (var (bytes, type, name, stored) in cases)
            Assert.Equal(stored, (await Client.Upload(tenant, bytes, type, name)).Expect(HttpStatusCode.Created).Str("content_type"));
        Assert.Equal(cases.Length, await CountAsync(tenant));
    }

    [Fact]
    public async Task TypesNotOnTheList_Are415_AndNothingIsStored()
    {
        var tenant = ApiCalls.NewTenant();

        foreach (var (type, name) in new[] { ("text/html", "page.html"), ("application/zip", "a.zip"), (null, "a.bin"), ("application/octet-stream", "a.exe") })
        {
            var refused = (await Client.Upload(tenant, Encoding.UTF8.GetBytes("<b>hi</b>"), type, name)).ExpectError(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
            Assert.NotNull(refused.Str("error.request_id"));
        }
        Assert.Equal(0, await CountAsync(tenant));
    }

    [Fact]
    public async Task BytesThatAreNotWhatTheTypeSays_Are400_AndNothingIsStored()
    {
        var tenant = ApiCalls.NewTenant();
        var cases = new (byte[] Bytes, string Type)[]
        {
            (Encoding.UTF8.GetBytes("not a pdf"), "application/pdf"),
            (SampleFiles.Pdf("x"), SampleFiles.XlsxType),
            (SampleFiles.Jpeg(), "image/png"),
            (SampleFiles.Png(), "image/jpeg"),
            ([0x61, 0xC3, 0x28], "text/csv"),
            ([0x61, 0x00, 0x62], "text/plain"),
            (Encoding.UTF8.GetBytes("{\"a\": "), "application/json"),
            (Encoding.UTF8.GetBytes("{} {}"), "application/json"),
        };

        foreach (var (bytes, type) in cases)
        {
            var refused = (await Client.Upload(tenant, bytes, type, "f")).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
            Assert.Equal("content_mismatch", refused.Str("error.details.reason"));
        }
        Assert.Equal(0, await CountAsync(tenant));
    }

    [Fact]
    public async Task MalformedUploads_Are400_AndNothingIsStored()
    {
        var tenant = ApiCalls.NewTenant();
        var csv = SampleFiles.Csv("a\n1\n");

        (await Client.Upload(tenant, csv, "text/csv", null)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Upload(tenant, [], "text/csv", "empty.csv")).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        foreach (var name in new[] { "../etc/passwd", "a\\b.csv", "line\nbreak.csv", new string('n', 256), "  " })
            Assert.Equal("name", (await Client.Upload(tenant, csv, "text/csv", name)).ExpectError(HttpStatusCode.BadRequest, "invalid_input").Str("error.details.field"));
        (await Client.UploadForm(tenant, (csv, "text/csv", "a.csv"), (csv, "text/csv", "b.csv"))).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.UploadForm(tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        var truncated = Encoding.UTF8.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n");
        (await Client.Upload(tenant, truncated, "multipart/form-data; boundary=xyz", null)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Upload(tenant, csv, "multipart/form-data", null)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        var longHeaders = Encoding.UTF8.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nX-Pad: "
            + new string('p', 20_000) + "\r\nContent-Type: text/csv\r\n\r\na,b\n\r\n--xyz--\r\n");
        (await Client.Upload(tenant, longHeaders, "multipart/form-data; boundary=xyz", null)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal(0, await CountAsync(tenant));
    }

    [Fact]
    public async Task FilesLargerThanTheJsonBodyLimit_AreTaken_UpToFilesMaxBytes()
    {
        var tenant = ApiCalls.NewTenant();
        // MAX_BODY_BYTES (1 MiB here) is for JSON bodies; uploads have FILES_MAX_BYTES (25 MiB by default).
        var big = SampleFiles.Csv("a\n" + new string('x', 3 * 1024 * 1024) + "\n");

        var id = (await Client.Upload(tenant, big, "text/csv", "big.csv")).Expect(HttpStatusCode.Created).Str("id")!;

        Assert.Equal(big, (await Client.Download(tenant, id)).Bytes);
    }

    [Fact]
    public async Task AnotherTenantsFile_Is404_ForEveryRoute_AndStaysWhole()
    {
        var owner = ApiCalls.NewTenant();
        var other = ApiCalls.NewTenant();
        var id = await Client.UploadOk(owner, SampleFiles.Csv("a\n1\n"), "text/csv", "mine.csv");

        (await Client.Get($"/api/files/{id}", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Download(other, id)).Response.StatusCode);
        (await Client.Delete($"/api/files/{id}", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await CountAsync(other));
        (await Client.Get($"/api/files/{id}", owner)).Expect(HttpStatusCode.OK);
        foreach (var bad in new[] { "nope", Guid.NewGuid().ToString() })
            (await Client.Get($"/api/files/{bad}", owner)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Roles_ViewersRead_MembersUpload_AdminsDelete()
    {
        var tenant = ApiCalls.NewTenant();
        var csv = SampleFiles.Csv("a\n1\n");

        (await Client.Upload(tenant, csv, "text/csv", "v.csv", Role.Viewer)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        var id = (await Client.Upload(tenant, csv, "text/csv", "m.csv", Role.Member)).Expect(HttpStatusCode.Created).Str("id")!;
        (await Client.Send(HttpMethod.Get, "/api/files", tenant, null, headers: FileCalls.As(tenant, Role.Viewer))).Expect(HttpStatusCode.OK);
        Assert.Equal(csv, (await Client.Download(tenant, id, Role.Viewer)).Bytes);
        (await Client.Send(HttpMethod.Delete, $"/api/files/{id}", tenant, null, headers: FileCalls.As(tenant, Role.Member)))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");

        (await Client.Delete($"/api/files/{id}", tenant)).Expect(HttpStatusCode.NoContent);

        (await Client.Get($"/api/files/{id}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Delete($"/api/files/{id}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task List_IsPaged_NewestFirst()
    {
        var tenant = ApiCalls.NewTenant();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Client.UploadOk(tenant, SampleFiles.Csv($"a\n{i}\n"), "text/csv", $"{i}.csv"));
            await Task.Delay(5); // creation times a millisecond apart at least, so "newest first" has one answer
        }

        var page = (await Client.Get("/api/files?page=2&page_size=2", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal((3, 2, 2), (page.Node("total")!.GetValue<int>(), page.Node("page")!.GetValue<int>(), page.Node("page_size")!.GetValue<int>()));
        Assert.Equal(ids[0], page.Str("items.0.id"));
        (await Client.Get("/api/files?page_size=0", tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }
}
