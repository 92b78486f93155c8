using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;

namespace Chorus.Server.Files;

/// <summary>A file a step reads: from the tenant's store, or fetched from a URL.</summary>
internal sealed record SourceFile(string Name, string? ContentType, byte[] Content);

/// <summary>A file step's failure with its code; <see cref="Retryable"/> when another attempt may succeed (a server
/// that could not answer), not when the same file would fail again.</summary>
internal sealed class FileStepException(string code, string message, bool retryable = false) : Exception(message)
{
    public string Code { get; } = code;
    public bool Retryable { get; } = retryable;

    public StepResult.Failed ToResult() => new(Code, Message, Retryable: Retryable);
}

/// <summary>Where a file-reading step gets its file: <c>file_id</c> (an id of the tenant's store, or a <c>$file</c>
/// reference as an offloaded output leaves in the context) or <c>url</c> (http or https, fetched under the outbound
/// policy). Either way at most FILES_MAX_BYTES are read.</summary>
internal static class FileStepSource
{
    public const string FileNotFound = TenantFiles.FileNotFound;
    public const string FileTooLarge = "file_too_large";
    public const string FileUnreadable = "file_unreadable";
    public const string FileFetchFailed = "file_fetch_failed";

    /// <summary>Refusals at save: exactly one of file_id and url, each a placeholder or a well-formed literal.</summary>
    public static IEnumerable<StepConfigIssue> Validate(JsonObject config)
    {
        var fileId = config["file_id"];
        var url = config["url"];
        if ((fileId is null) == (url is null))
            yield return new("config.file_id", "Required: exactly one of file_id (a file of the tenant's store) and url (an http or https URL).");
        if (fileId is not null && !ConfigFields.IsTemplate(fileId) && FileReference.IdOf(fileId) is null)
            yield return new("config.file_id", "Must be a file id (a UUID), a {\"$file\": {\"id\": ...}} reference, or a placeholder that gives one.");
        if (url is not null && !ConfigFields.IsTemplate(url) && !IsHttpUrl(url))
            yield return new("config.url", "Must be an http or https URL.");
    }

    public static async Task<SourceFile> ReadAsync(StepExecutionContext context, TenantFiles files, CancellationToken ct)
    {
        var config = context.Config;
        if (config["url"] is { } url)
            return await FetchAsync(context, IsHttpUrl(url) ? new Uri(url.GetValue<string>()) : throw new StepConfigurationException(
                $"config.url '{Trim(url.ToJsonString())}' is not an http or https URL."), files.Settings.MaxBytes, ct).ConfigureAwait(false);
        var id = FileReference.IdOf(config["file_id"]) ?? throw new StepConfigurationException(
            $"config.file_id {Trim(config["file_id"]?.ToJsonString() ?? "null")} is not a file id or a $file reference.");
        try
        {
            var file = await files.ReadAsync(context.Tenant, id, ct).ConfigureAwait(false);
            return new SourceFile(file.Record.Name, file.Record.ContentType, file.Content);
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.NotFound)
        {
            throw new FileStepException(FileNotFound, $"File {id} does not exist in this tenant's file store.");
        }
    }

    private static async Task<SourceFile> FetchAsync(StepExecutionContext context, Uri url, long maxBytes, CancellationToken ct)
    {
        OutboundResponse response;
        try
        {
            response = await context.Services.Http.SendAsync(new OutboundRequest("GET", url, []), ct).ConfigureAwait(false);
        }
        catch (OutboundHttpException ex) when (ex.Code == ErrorCodes.HttpResponseTooLarge)
        {
            throw new FileStepException(FileTooLarge, $"The file at {url} is larger than the outbound policy lets a step read (HTTP_MAX_RESPONSE_BYTES).");
        }
        catch (OutboundHttpException ex)
        {
            throw new FileStepException(ex.Code, ex.Message, ex.Retryable);
        }
        if (response.Status is < 200 or > 299)
            throw new FileStepException(FileFetchFailed, $"GET {url} answered {response.Status}.", retryable: response.Status is 408 or 429 or >= 500);
        if (response.Body.LongLength > maxBytes)
            throw new FileStepException(FileTooLarge, $"The file at {url} has {response.Body.LongLength} bytes; a step reads at most {maxBytes} (FILES_MAX_BYTES).");
        var name = Path.GetFileName(Uri.UnescapeDataString(url.AbsolutePath));
        return new SourceFile(name.Length > 0 ? name : url.Host, response.MediaType, response.Body);
    }

    private static bool IsHttpUrl(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        && Uri.TryCreate(v.GetValue<string>(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static string Trim(string text) => text.Length > 80 ? text[..80] + "..." : text;
}
