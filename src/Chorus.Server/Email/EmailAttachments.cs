using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Steps;
using Chorus.Server.Files;

namespace Chorus.Server.Email;

/// <summary>A file of the tenant's store to attach, under its own name unless the step gives another.</summary>
internal sealed record EmailAttachment(Guid FileId, string? Name);

/// <summary>A file read for attaching: its bytes, its type and the name the message gives it.</summary>
internal sealed record AttachedFile(string Name, string ContentType, byte[] Content);

/// <summary>An email step's <c>attachments</c>: <c>[{file_id, name?}]</c>, files of the tenant's store (a file id or a
/// $file reference each), at most <see cref="MaxCount"/> and <see cref="MaxTotalBytes"/> in all, the size most mail
/// servers take.</summary>
internal static class EmailAttachments
{
    public const int MaxCount = 20;
    public const long MaxTotalBytes = 25L * 1024 * 1024;
    public const string TooLarge = "attachments_too_large";
    private static readonly string[] Fields = ["file_id", "name"];

    public static IEnumerable<StepConfigIssue> Validate(JsonNode? node)
    {
        if (node is null || ConfigFields.IsTemplate(node))
            yield break;
        if (node is not JsonArray { Count: <= MaxCount } list)
        {
            yield return new("config.attachments", $"Must be a list of at most {MaxCount} attachments, each {{\"file_id\": ..., \"name\": ...}}.");
            yield break;
        }
        foreach (var (item, i) in list.Select((a, i) => (a, i)))
        {
            var at = $"config.attachments[{i}]";
            if (item is not JsonObject attachment)
            {
                yield return new(at, "Must be an object {\"file_id\": ..., \"name\": ...}.");
                continue;
            }
            foreach (var (name, _) in attachment)
                if (!Fields.Contains(name))
                    yield return new($"{at}.{name}", "Unknown field; an attachment has file_id and name.");
            if (attachment["file_id"] is not { } id || !ConfigFields.IsTemplate(id) && FileReference.IdOf(id) is null)
                yield return new($"{at}.file_id", "Required: a file id (a UUID), a $file reference, or a placeholder that gives one.");
            if (attachment["name"] is { } given && given.GetValueKind() != JsonValueKind.String)
                yield return new($"{at}.name", "Must be a string.");
        }
    }

    /// <summary>The attachments of a rendered config.</summary>
    public static List<EmailAttachment> Read(JsonNode? node)
    {
        if (node is null)
            return [];
        if (node is not JsonArray { Count: <= MaxCount } list)
            throw new StepConfigurationException($"config.attachments must be a list of at most {MaxCount} attachments.");
        return [.. list.Select((item, i) => item is JsonObject a && FileReference.IdOf(a["file_id"]) is { } id
            ? new EmailAttachment(id, a["name"] is JsonValue v && v.TryGetValue<string>(out var name) && name.Trim().Length > 0 ? name.Trim() : null)
            : throw new StepConfigurationException($"config.attachments[{i}] needs a file_id: a file id or a $file reference."))];
    }

    /// <summary>Reads every attachment, failing the step (not retried) for a missing file or too many bytes in all.</summary>
    public static async Task<(List<AttachedFile>? Files, StepResult.Failed? Failure)> LoadAsync(IReadOnlyList<EmailAttachment> attachments,
        TenantFiles? files, TenantId tenant, CancellationToken ct)
    {
        if (attachments.Count == 0)
            return ([], null);
        if (files is null)
            throw new StepConfigurationException("Attachments come from a server's file store; this host has none.");
        var loaded = new List<AttachedFile>();
        long total = 0;
        foreach (var attachment in attachments)
        {
            var record = await files.GetOrNullAsync(tenant, attachment.FileId, ct).ConfigureAwait(false);
            if (record is null)
                return (null, new StepResult.Failed(FileStepSource.FileNotFound, $"Attachment file {attachment.FileId} does not exist in this tenant's file store.", Retryable: false));
            total += record.Size;
            if (total > MaxTotalBytes)
                return (null, new StepResult.Failed(TooLarge, $"The attachments have more than {MaxTotalBytes} bytes in all, more than a message may carry.", Retryable: false));
            var file = await files.ReadAsync(tenant, attachment.FileId, ct).ConfigureAwait(false);
            loaded.Add(new AttachedFile(attachment.Name ?? record.Name, record.ContentType, file.Content));
        }
        return (loaded, null);
    }
}
