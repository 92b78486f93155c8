using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Mysql;

/// <summary>How the editor and <c>/api/available-steps</c> see the mysql step.</summary>
internal static class MysqlStepSchemas
{
    public static StepDescription Description { get; } = new()
    {
        Name = MysqlStep.StepType,
        Category = "integration",
        Source = "built_in",
        Description = "Runs one parameterised SQL statement on a MySQL or MariaDB database (a tenant secret's connection string, or the server's MYSQL_URL). " +
            "Read-only unless allow_writes is true. Output {rows, count, columns, truncated} or {affected_rows, last_insert_id}.",
        ConfigSchema = JsonNode.Parse("""
            {"type": "object", "required": ["query"], "additionalProperties": false, "properties": {
              "connection": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,100}$", "description": "The name of a secret holding a connection string (mysql://user:password@host:3306/db); without it, the server's MYSQL_URL."},
              "query": {"type": "string", "maxLength": 100000, "description": "One SQL statement; @name stands for parameters.name. No {{ }} placeholders: values go in parameters."},
              "parameters": {"type": "object", "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$"}, "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
              "allow_writes": {"type": "boolean", "default": false},
              "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 300, "default": 30},
              "max_rows": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1000}}}
            """)!.AsObject(),
        OutputSchema = JsonNode.Parse("""
            {"type": "object", "properties": {
              "rows": {"type": "array", "items": {"type": "object"}}, "count": {"type": "integer"},
              "columns": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}},
              "truncated": {"type": "boolean", "description": "More rows than max_rows matched; the first max_rows are given."},
              "affected_rows": {"type": "integer"}, "last_insert_id": {"type": "integer"}}}
            """)!.AsObject(),
    };
}
