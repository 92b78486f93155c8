using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Security;

namespace Chorus.Server.Files;

/// <summary>The caller's tenant's files: uploaded by members, read by viewers, deleted by admins (as history is).
/// Another tenant's file is answered 404, as one that never existed.</summary>
internal static class FilesApi
{
    public static void MapFiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/files");
        group.MapPost("/", Upload).RequireRole(Role.Member).OtherBodies(UploadTypes, "File", StatusCodes.Status201Created);
        group.MapGet("/", List).RequireRole(Role.Viewer).Bodies(response: "FilePage");
        group.MapGet("/{id}", Get).RequireRole(Role.Viewer).Bodies(response: "File");
        group.MapGet("/{id}/content", Download).RequireRole(Role.Viewer).OtherBodies(null, "FileContent", responseMediaType: "application/octet-stream");
        group.MapDelete("/{id}", Delete).RequireRole(Role.Admin);
    }

    /// <summary>The raw body in any type the store takes, or a form with one file part.</summary>
    private static readonly Dictionary<string, string> UploadTypes = new()
    {
        [FileContentTypes.Csv] = "FileContent", [FileContentTypes.Text] = "FileContent", [FileContentTypes.Json] = "FileContent",
        [FileContentTypes.Pdf] = "FileContent", [FileContentTypes.Xlsx] = "FileContent", [FileContentTypes.Png] = "FileContent",
        [FileContentTypes.Jpeg] = "FileContent", ["application/octet-stream"] = "FileContent", ["multipart/form-data"] = "FileForm",
    };

    private static async Task<IResult> Upload(HttpContext http, TenantFiles files)
    {
        var limit = FileUploads.LimitFor(http, files.Settings);
        var upload = await FileUploads.ReadAsync(http, limit);
        if (upload.Content.Length == 0)
            throw new ChorusException(ErrorCodes.InvalidInput, "The file is empty.", new JsonObject { ["field"] = "file" });
        var type = FileContentTypes.Resolve(upload.DeclaredType, upload.Name);
        FileContentTypes.Check(type, upload.Content);
        var record = await files.SaveAsync(new NewFile
        {
            Tenant = http.Tenant(), Name = upload.Name, ContentType = type, Content = upload.Content, CreatedBy = http.Caller().Subject,
        }, http.RequestAborted);
        http.Response.Headers.Location = $"/api/files/{record.Id}";
        return TypedResults.Json(Representation(record), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> List(HttpContext http, IFileStore store)
    {
        var (offset, limit, page, size) = Paging.From(http);
        var files = await store.ListFilesAsync(http.Tenant(), offset, limit, http.RequestAborted);
        return TypedResults.Json(Paging.Body(Representations.Array(files.Items, Representation), files.Total, page, size));
    }

    private static async Task<IResult> Get(HttpContext http, string id, TenantFiles files) =>
        TypedResults.Json(Representation(await files.GetAsync(http.Tenant(), FileId(id), http.RequestAborted)));

    /// <summary>The bytes with the type they were stored with, always as an attachment: a file is never shown as a
    /// page of this server's origin (nosniff comes with every answer).</summary>
    private static async Task<IResult> Download(HttpContext http, string id, TenantFiles files)
    {
        var file = await files.ReadAsync(http.Tenant(), FileId(id), http.RequestAborted);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(file.Content, file.Record.ContentType, file.Record.Name);
    }

    private static async Task<IResult> Delete(HttpContext http, string id, TenantFiles files)
    {
        var fileId = FileId(id);
        if (!await files.DeleteAsync(http.Tenant(), fileId, http.RequestAborted))
            throw TenantFiles.NotFound(fileId);
        return TypedResults.NoContent();
    }

    private static Guid FileId(string id) => RequestReading.RouteId(id, ErrorCodes.NotFound, "File");

    public static JsonObject Representation(FileRecord f) => new()
    {
        ["id"] = f.Id.ToString(),
        ["name"] = f.Name,
        ["content_type"] = f.ContentType,
        ["size"] = f.Size,
        ["sha256"] = f.Sha256,
        ["created_at"] = Representations.Iso(f.CreatedAt),
        ["created_by"] = f.CreatedBy,
        ["execution_id"] = f.ExecutionId?.ToString(),
        ["step_id"] = f.StepId,
    };
}
