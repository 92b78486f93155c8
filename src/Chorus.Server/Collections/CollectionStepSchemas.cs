using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Collections;

/// <summary>How the editor and <c>/api/available-steps</c> see saveRecords and fetchData: JSON Schemas of their config
/// and output. The schemas stay loose where a value may be a "{{ }}" placeholder; the steps' checks at save decide.</summary>
internal static class CollectionStepSchemas
{
    private const string Name = """{"type": "string", "description": "The collection: 1 to 64 letters, digits, '_' and '-' (or a placeholder).", "maxLength": 64}""";

    public static StepDescription SaveRecords { get; } = new()
    {
        Name = SaveRecordsStep.StepType,
        Category = "data",
        Source = "built_in",
        Description = "Saves an object or a list of objects (at most 1,000, 64 KiB each) into one of the tenant's collections, " +
            "created on first write. With key, records with the same key value are replaced (upsert). Output {collection, saved, inserted, updated, ids}.",
        ConfigSchema = Parse("""
            {"type": "object", "required": ["collection", "records"], "additionalProperties": false, "properties": {
              "collection": "NAME",
              "records": {"description": "An object, a list of objects, or a placeholder that gives one, e.g. \"{{ $.people.records }}\"."},
              "key": {"type": "string", "description": "The field (or dotted path) whose value is each record's id: a record with a key already in the collection replaces it."}}}
            """),
        OutputSchema = Parse("""
            {"type": "object", "properties": {
              "collection": {"type": "string"}, "saved": {"type": "integer"}, "inserted": {"type": "integer"}, "updated": {"type": "integer"},
              "ids": {"type": "array", "items": {"type": "string"}}}}
            """),
    };

    public static StepDescription FetchData { get; } = new()
    {
        Name = FetchDataStep.StepType,
        Category = "data",
        Source = "built_in",
        Description = "Reads a page of records from one of the tenant's collections, filtered by fields (eq, ne, gt, gte, lt, lte, contains, in, exists) " +
            "and ordered by a field. Output {records: [{id, data, created_at, updated_at}], count, total, next_cursor}.",
        ConfigSchema = Parse("""
            {"type": "object", "required": ["collection"], "additionalProperties": false, "properties": {
              "collection": "NAME",
              "filter": {"type": "object", "description": "Field (or dotted path) to a value, or to operators: {\"total\": {\"gte\": 100}, \"status\": \"paid\"}.",
                "additionalProperties": {"anyOf": [{"type": ["string", "number", "boolean", "null"]}, {"type": "object", "properties": {
                  "eq": {}, "ne": {}, "gt": {}, "gte": {}, "lt": {}, "lte": {}, "contains": {"type": "string"}, "in": {"type": "array"}, "exists": {"type": "boolean"}},
                  "additionalProperties": false}]}},
              "order_by": {"type": "string", "description": "The field to order by; without it, the order records were first saved in."},
              "order": {"enum": ["asc", "desc"], "default": "asc"},
              "limit": {"type": ["integer", "string"], "minimum": 1, "maximum": 1000, "default": 100},
              "offset": {"type": ["integer", "string"], "minimum": 0},
              "cursor": {"type": "string", "description": "next_cursor of an earlier page."}}}
            """),
        OutputSchema = Parse("""
            {"type": "object", "properties": {
              "records": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string"}, "data": {"type": "object"}, "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}}}},
              "count": {"type": "integer"}, "total": {"type": "integer"}, "next_cursor": {"type": ["string", "null"]}}}
            """),
    };

    /// <summary>The schema, with the collection name's schema where it says "NAME".</summary>
    private static JsonObject Parse(string json) => JsonNode.Parse(json.Replace("\"NAME\"", Name, StringComparison.Ordinal))!.AsObject();
}
