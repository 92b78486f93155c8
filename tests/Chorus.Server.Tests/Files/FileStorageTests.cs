using System.Net;
using Chorus.Engine.Storage;
using Chorus.Server.Files;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Server.Tests.Files;

/// <summary>The file store under its settings: the size rule (FILES_MAX_BYTES and the tier's max_body_bytes), bytes in
/// FILES_DIR, the PostgreSQL store, and retention of uploads and of files whose execution is gone.</summary>
public sealed class FileStorageTests() : ThrowawayPostgresDatabase("chorus_files")
{
    [Fact]
    public async Task UploadsOverFilesMaxBytes_Are413_WithOrWithoutALength_AndNothingIsStored()
    {
        await using var server = await ChorusTestServer.StartAsync(configure: o => o with { Files = o.Files with { MaxBytes = 4096 } });
        var tenant = ApiCalls.NewTenant();

        (await server.Client.Upload(tenant, SampleFiles.Csv(new string('a', 4097)), "text/csv", "big.csv"))
            .ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        var chunked = new StreamContent(new MemoryStream(SampleFiles.Csv(new string('a', 5000))));
        chunked.Headers.ContentType = new("text/csv");
        chunked.Headers.ContentLength = null;
        (await server.Client.Send(HttpMethod.Post, "/api/files?name=big.csv", tenant, new ChunkedContent(chunked)))
            .ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        (await server.Client.UploadForm(tenant, (SampleFiles.Csv(new string('a', 4097)), "text/csv", "big.csv")))
            .ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        // A multipart body without a length whose preamble alone passes the limit: the server cuts it off.
        var preamble = new StreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(new string('p', 40_000)
            + "\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\na\r\n--xyz--\r\n")));
        preamble.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        (await server.Client.Send(HttpMethod.Post, "/api/files", tenant, new ChunkedContent(preamble)))
            .ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        Assert.Equal(0, (await server.Client.Get("/api/files", tenant)).Body["total"]!.GetValue<int>());
        await server.Client.UploadOk(tenant, SampleFiles.Csv(new string('a', 4096)), "text/csv", "fits.csv");
    }

    [Fact]
    public async Task ATiersSmallerMaxBodyBytes_LimitsUploadsToo()
    {
        // The free tier takes bodies of at most 256 KiB.
        await using var server = await ChorusTestServer.StartAsync(configure: o => o with { DefaultTier = "free" });
        var tenant = ApiCalls.NewTenant();

        (await server.Client.Upload(tenant, SampleFiles.Csv(new string('a', 300 * 1024)), "text/csv", "big.csv"))
            .ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        await server.Client.UploadOk(tenant, SampleFiles.Csv(new string('a', 200 * 1024)), "text/csv", "fits.csv");
    }

    [Fact]
    public async Task WithFilesDir_TheBytesAreFilesThere_NotInTheDatabase_AndGoWithTheirFile()
    {
        var dir = Directory.CreateTempSubdirectory("chorus-files-").FullName;
        try
        {
            await using var server = await ChorusTestServer.StartAsync(configure: o => o with { Files = o.Files with { Directory = dir } });
            var tenant = ApiCalls.NewTenant();
            var pdf = SampleFiles.Pdf("kept on disk");

            var id = await server.Client.UploadOk(tenant, pdf, "application/pdf", "disk.pdf");

            var onDisk = Assert.Single(Directory.GetFiles(dir, "*", SearchOption.AllDirectories));
            Assert.Equal(pdf, await File.ReadAllBytesAsync(onDisk));
            Assert.Null(await server.Services.GetRequiredService<IFileStore>().GetFileContentAsync(new(tenant), Guid.Parse(id), CancellationToken.None));
            Assert.Equal(pdf, (await server.Client.Download(tenant, id)).Bytes);
            (await server.Client.Delete($"/api/files/{id}", tenant)).Expect(HttpStatusCode.NoContent);
            Assert.Empty(Directory.GetFiles(dir, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task OnPostgres_UploadReadListDelete()
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url);
        var tenant = ApiCalls.NewTenant();
        var xlsx = SampleFiles.Xlsx([new() { ["a"] = 1 }]);

        var id = await server.Client.UploadOk(tenant, xlsx, SampleFiles.XlsxType, "book.xlsx");

        Assert.Equal(xlsx, (await server.Client.Download(tenant, id)).Bytes);
        Assert.Equal(id, (await server.Client.Get("/api/files", tenant)).Str("items.0.id"));
        (await server.Client.Get($"/api/files/{id}", ApiCalls.NewTenant())).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await server.Client.Delete($"/api/files/{id}", tenant)).Expect(HttpStatusCode.NoContent);
        (await server.Client.Get($"/api/files/{id}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retention_DeletesUploadsOlderThanTheHistoryLimit_AndFilesOfExecutionsThatAreGone(bool postgres)
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: postgres ? Url : null, configure: o => o with
        {
            Engine = o.Engine with { Retention = o.Engine.Retention with { History = TimeSpan.FromDays(30) } },
        });
        // The server's own retention round runs at start; stopped here so that its first round cannot take part of
        // what this test's round is expected to count.
        await server.Services.GetServices<IHostedService>().OfType<FileRetentionService>().Single().StopAsync(CancellationToken.None);
        var tenant = ApiCalls.NewTenant();
        var store = server.Services.GetRequiredService<IFileStore>();
        var old = await Insert(store, tenant, DateTimeOffset.UtcNow.AddDays(-31), executionId: null);
        var young = await server.Client.UploadOk(tenant, SampleFiles.Csv("a\n1\n"), "text/csv", "young.csv");
        var ofGoneExecution = await Insert(store, tenant, DateTimeOffset.UtcNow.AddDays(-1), executionId: Guid.NewGuid());
        var workflow = await server.Client.CreateWorkflow(tenant, Definitions.Greeting());
        var execution = await server.Client.Execute(tenant, workflow, new System.Text.Json.Nodes.JsonObject { ["name"] = "Ada" });
        await server.Client.WaitForCompletion(tenant, execution);
        var ofLivingExecution = await Insert(store, tenant, DateTimeOffset.UtcNow.AddDays(-300), executionId: Guid.Parse(execution));

        var totals = await server.Services.GetRequiredService<FileRetention>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(new FilePruneTotals(1, 1), totals);
        Assert.Null(await store.GetFileAsync(new(tenant), old, CancellationToken.None));
        Assert.Null(await store.GetFileAsync(new(tenant), ofGoneExecution, CancellationToken.None));
        Assert.NotNull(await store.GetFileAsync(new(tenant), Guid.Parse(young), CancellationToken.None));
        Assert.NotNull(await store.GetFileAsync(new(tenant), ofLivingExecution, CancellationToken.None));

        // Deleting the execution takes its files with it at once.
        (await server.Client.Delete($"/api/executions/{execution}", tenant)).Expect(HttpStatusCode.NoContent);
        Assert.Null(await store.GetFileAsync(new(tenant), ofLivingExecution, CancellationToken.None));
    }

    private static async Task<Guid> Insert(IFileStore store, string tenant, DateTimeOffset createdAt, Guid? executionId)
    {
        var file = new FileRecord
        {
            Tenant = new(tenant), Id = Guid.NewGuid(), Name = "f.csv", ContentType = "text/csv", Size = 3, Sha256 = new string('0', 64),
            CreatedAt = createdAt, CreatedBy = "test", ExecutionId = executionId, StepId = executionId is null ? null : "s",
        };
        await store.InsertFileAsync(file, [1, 2, 3], CancellationToken.None);
        return file.Id;
    }

    /// <summary>Sends its content without a Content-Length, as a chunked body.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly HttpContent _inner;

        public ChunkedContent(HttpContent inner)
        {
            _inner = inner;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
