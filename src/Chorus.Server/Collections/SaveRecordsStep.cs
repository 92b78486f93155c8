using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Server.Collections;

/// <summary>The <c>saveRecords</c> step: writes one object or a list of objects into one of the tenant's collections,
/// in one transaction. With <c>key</c>, a record's id is the value of that field, so writing it again replaces it
/// (upsert). Without, its id comes from the execution, the step and its position in the list, so that the step run
/// again (a retry, a worker that crashed before saving the step's result) replaces what the earlier run wrote rather
/// than adding copies. Output <c>{collection, saved, inserted, updated, ids}</c>.</summary>
internal sealed class SaveRecordsStep(ICollectionStore store, CollectionSettings settings) : IStepHandler
{
    public const string StepType = "saveRecords";
    private const int MaxIdLength = 256;
    private static readonly string[] Fields = ["collection", "records", "key"];

    public string Type => StepType;

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var collection = CollectionOf(config);
        var key = config["key"] is { } keyNode ? FieldPath.TryParse(keyNode is JsonValue v && v.TryGetValue<string>(out var k) ? k : null)
            ?? throw new StepConfigurationException($"config.key: {RecordQueryJson.PathRule}") : null;
        var records = RecordsOf(config["records"]);
        var writes = new List<RecordWrite>(records.Count);
        for (var i = 0; i < records.Count; i++)
            writes.Add(new RecordWrite(IdOf(records[i], i, key, context), records[i]));
        try
        {
            var saved = await store.SaveRecordsAsync(context.Tenant, collection, key?.Text, writes, settings.Limits,
                context.Services.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            context.Log("info", $"saveRecords wrote {writes.Count} records to '{collection}' ({saved.Inserted} new, {saved.Updated} replaced)");
            return StepResult.Done(new JsonObject
            {
                ["collection"] = collection,
                ["saved"] = writes.Count,
                ["inserted"] = saved.Inserted,
                ["updated"] = saved.Updated,
                ["ids"] = new JsonArray(writes.Select(w => (JsonNode?)w.Id).ToArray()),
            });
        }
        catch (CollectionWriteRefusedException refused)
        {
            // The same write would be refused again: a cap or the collection's key does not change by waiting.
            return new StepResult.Failed(refused.Code, refused.Message, Retryable: false);
        }
        catch (DbException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new StepResult.Failed("collection_unavailable", $"The records could not be written to '{collection}' now: {ex.GetType().Name}.");
        }
    }

    internal static string CollectionOf(JsonObject config)
    {
        var name = config["collection"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        return CollectionNames.IsValid(name) ? name!
            : throw new StepConfigurationException($"config.collection must be a collection name ({CollectionNames.Rule}), not {Describe(config["collection"])}.");
    }

    private static List<JsonObject> RecordsOf(JsonNode? node)
    {
        var items = node switch
        {
            JsonObject one => [one],
            JsonArray list => list.ToList(),
            _ => throw new StepConfigurationException($"config.records must give an object or a list of objects, not {Describe(node)}."),
        };
        if (items.Count > CollectionSettings.MaxRecordsPerWrite)
            throw new StepConfigurationException($"saveRecords writes at most {CollectionSettings.MaxRecordsPerWrite:N0} records at once; config.records has {items.Count:N0}.");
        var records = new List<JsonObject>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject record)
                throw new StepConfigurationException($"config.records[{i}] is {Describe(items[i])}; a record is an object.");
            var bytes = Encoding.UTF8.GetByteCount(record.ToJsonString());
            if (bytes > CollectionSettings.MaxRecordBytes)
                throw new StepConfigurationException($"config.records[{i}] takes {bytes:N0} bytes as JSON; a record takes at most {CollectionSettings.MaxRecordBytes:N0}.");
            records.Add((JsonObject)record.DeepClone());
        }
        return records;
    }

    private static string IdOf(JsonObject record, int index, FieldPath? key, StepExecutionContext context)
    {
        if (key is null)
            return $"{context.ExecutionId:N}-{context.Step.Id}-{index}";
        var value = key.Find(record);
        var id = value?.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength)
            throw new StepConfigurationException(
                $"config.records[{index}].{key.Text} is the key: it must be a non-empty string (at most {MaxIdLength} characters) or a number, not {Describe(value)}.");
        return id;
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        foreach (var (name, _) in config)
            if (!Fields.Contains(name))
                yield return new($"config.{name}", $"Unknown field; a saveRecords step takes {string.Join(", ", Fields)}.");
        if (!IsNameOrPlaceholder(config["collection"]))
            yield return new("config.collection", $"Required: the collection's name, {CollectionNames.Rule}.");
        if (!config.ContainsKey("records"))
            yield return new("config.records", "Required: an object, a list of objects, or a placeholder that gives one, such as \"{{ $.people.records }}\".");
        else if (config["records"] is not (JsonObject or JsonArray) && !IsPlaceholder(config["records"]))
            yield return new("config.records", "Must be an object, a list of objects, or a placeholder that gives one.");
        else if (config["records"] is JsonArray list && list.Count > CollectionSettings.MaxRecordsPerWrite)
            yield return new("config.records", $"At most {CollectionSettings.MaxRecordsPerWrite:N0} records at once.");
        if (config["key"] is { } key && FieldPath.TryParse(key is JsonValue v && v.TryGetValue<string>(out var k) ? k : null) is null)
            yield return new("config.key", RecordQueryJson.PathRule);
    }

    public StepDescription Describe() => CollectionStepSchemas.SaveRecords;

    internal static bool IsNameOrPlaceholder(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) && (CollectionNames.IsValid(text) || text.Contains("{{", StringComparison.Ordinal));

    private static bool IsPlaceholder(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) && text.TrimStart().StartsWith("{{", StringComparison.Ordinal);

    internal static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null => "missing",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string '{Shorten(node.GetValue<string>())}'",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length > 64 ? text[..64] + "..." : text;
}
