using System.Net;
using System.Text;
using Chorus.Server.Tests.Security;

namespace Chorus.Server.Tests;

/// <summary>One malformed request: <c>{wf}</c> and <c>{ex}</c> in the path stand for the corpus tenant's
/// workflow and its completed execution.</summary>
public sealed record BadRequest(string Method, string Path, string? Body, HttpStatusCode Status, string Code)
{
    public byte[]? RawBody { get; init; }
    public string? ContentType { get; init; } = "application/json";
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public byte[]? Bytes => RawBody ?? (Body is null ? null : Encoding.UTF8.GetBytes(Body));
}

/// <summary>The corpus of bad requests, by name. None may change anything or answer 5xx.</summary>
public static class BadRequestCases
{
    private const HttpStatusCode Bad = HttpStatusCode.BadRequest;
    private const HttpStatusCode Missing = HttpStatusCode.NotFound;
    private const string Invalid = "invalid_input";
    private const string Definition = "invalid_workflow_definition";
    private const string WorkflowGone = "workflow_not_found";
    private const string ExecutionGone = "execution_not_found";
    private const string Steps = """[{"id": "a", "type": "output"}]""";

    private static BadRequest Execute(string key) => new("POST", "/api/workflows/{wf}/execute", "{}", Bad, Invalid) { Headers = [new("Idempotency-Key", key)] };

    private static BadRequest Create(string body, string code = Definition) => new("POST", "/api/workflows", body, Bad, code);
    private static BadRequest Put(string body) => new("PUT", "/api/workflows/{wf}", body, Bad, Definition);

    public static readonly IReadOnlyDictionary<string, BadRequest> All = WithCredentialCases(new Dictionary<string, BadRequest>
    {
        ["empty body"] = Create("", Invalid),
        ["lone brace"] = Create("{", Invalid),
        ["array"] = Create("[]", Invalid),
        ["string"] = Create("\"str\"", Invalid),
        ["null"] = Create("null", Invalid),
        ["null on put"] = new("PUT", "/api/workflows/{wf}", "null", Bad, Invalid),
        ["trailing garbage"] = Create("{\"name\": \"x\"} tail", Invalid),
        ["5 MB body"] = new("POST", "/api/workflows", "{\"name\": \"" + new string('x', 5 * 1024 * 1024) + "\"}",
            HttpStatusCode.RequestEntityTooLarge, "payload_too_large"),
        ["nested 1000 deep"] = Create("{\"name\": \"deep\", \"x\": " + new string('[', 1000) + new string(']', 1000) + "}", Invalid),
        ["nested objects 1000 deep"] = Create(string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000), Invalid),
        ["name is a number"] = Create($$"""{"name": 5, "steps": {{Steps}}}"""),
        ["steps is an object"] = Create("""{"name": "x", "steps": {}}"""),
        ["steps holds a number"] = Create("""{"name": "x", "steps": [1]}"""),
        ["step id is an array"] = Create("""{"name": "x", "steps": [{"id": [], "type": "output"}]}"""),
        ["next is a number"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "next": 7}]}"""),
        ["max_attempts is a string"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "retry": {"max_attempts": "x"}}]}"""),
        ["timeout is negative"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "timeout": -1}]}"""),
        ["config is a string"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "config": "c"}]}"""),
        ["input_schema is a string"] = Create($$"""{"name": "x", "input_schema": "s", "steps": {{Steps}}}"""),
        ["status unknown"] = Create($$"""{"name": "x", "status": "live", "steps": {{Steps}}}"""),
        ["put name is a number"] = Put($$"""{"name": 5, "steps": {{Steps}}}"""),
        ["put steps empty"] = Put("""{"name": "x", "steps": []}"""),
        ["huge name"] = Create($$"""{"name": "{{new string('n', 300_000)}}", "steps": {{Steps}}}"""),
        ["huge step id"] = Create($$"""{"name": "x", "steps": [{"id": "{{new string('i', 100_000)}}", "type": "output"}]}"""),
        ["huge event name"] = new("POST", "/api/executions/{ex}/events", $$"""{"name": "{{new string('e', 100_000)}}"}""", Bad, Invalid),
        ["invalid utf-8"] = new("POST", "/api/workflows", null, Bad, Invalid)
        {
            RawBody = [.. Encoding.ASCII.GetBytes("{\"name\": \""), 0xFF, 0xFE, 0xC3, .. Encoding.ASCII.GetBytes("\", \"steps\": " + Steps + "}")],
        },
        ["invalid utf-8 event name"] = new("POST", "/api/executions/{ex}/events", null, Bad, Invalid)
        {
            RawBody = [.. Encoding.ASCII.GetBytes("{\"name\": \"e"), 0xFF, .. Encoding.ASCII.GetBytes("\"}")],
        },
        ["patch unknown status"] = new("PATCH", "/api/workflows/{wf}", """{"status": "gone"}""", Bad, Invalid),
        ["patch status not a string"] = new("PATCH", "/api/workflows/{wf}", """{"status": 1}""", Bad, Invalid),
        ["unknown route"] = new("GET", "/api/nope", null, Missing, "not_found"),
        ["unknown nested route"] = new("POST", "/api/workflows/{wf}/explode", "{}", Missing, "not_found"),
        ["wrong method"] = new("DELETE", "/api/workflows", null, HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
        ["wrong method on execution"] = new("PUT", "/api/executions/{ex}", "{}", HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
        ["get workflow xyz"] = new("GET", "/api/workflows/xyz", null, Missing, WorkflowGone),
        ["put workflow xyz"] = new("PUT", "/api/workflows/xyz", $$"""{"name": "x", "steps": {{Steps}}}""", Missing, WorkflowGone),
        ["patch workflow xyz"] = new("PATCH", "/api/workflows/xyz", """{"status": "active"}""", Missing, WorkflowGone),
        ["delete workflow xyz"] = new("DELETE", "/api/workflows/xyz", null, Missing, WorkflowGone),
        ["versions of xyz"] = new("GET", "/api/workflows/xyz/versions", null, Missing, WorkflowGone),
        ["version 1 of xyz"] = new("GET", "/api/workflows/xyz/versions/1", null, Missing, WorkflowGone),
        ["revert xyz"] = new("POST", "/api/workflows/xyz/versions/1/revert", null, Missing, WorkflowGone),
        ["revert to missing version"] = new("POST", "/api/workflows/{wf}/versions/99/revert", null, Missing, "not_found"),
        ["version not a number"] = new("GET", "/api/workflows/{wf}/versions/one", null, Missing, "not_found"),
        ["diff of xyz"] = new("GET", "/api/workflows/xyz/diff", null, Missing, WorkflowGone),
        ["execute xyz"] = new("POST", "/api/workflows/xyz/execute", "{}", Missing, WorkflowGone),
        ["test-execute xyz"] = new("POST", "/api/workflows/xyz/test-execute", "{}", Missing, WorkflowGone),
        ["executions of xyz"] = new("GET", "/api/workflows/xyz/executions", null, Missing, WorkflowGone),
        ["start with workflow_id xyz"] = new("POST", "/api/executions", """{"workflow_id": "xyz"}""", Missing, WorkflowGone),
        ["start without workflow_id"] = new("POST", "/api/executions", """{"mode": "automatic"}""", Bad, Invalid),
        ["start with numeric workflow_id"] = new("POST", "/api/executions", """{"workflow_id": 12}""", Bad, Invalid),
        ["get execution xyz"] = new("GET", "/api/executions/xyz", null, Missing, ExecutionGone),
        ["steps of xyz"] = new("GET", "/api/executions/xyz/steps", null, Missing, ExecutionGone),
        ["logs of xyz"] = new("GET", "/api/executions/xyz/logs", null, Missing, ExecutionGone),
        ["pause xyz"] = new("POST", "/api/executions/xyz/pause", null, Missing, ExecutionGone),
        ["resume xyz"] = new("POST", "/api/executions/xyz/resume", null, Missing, ExecutionGone),
        ["cancel xyz"] = new("POST", "/api/executions/xyz/cancel", null, Missing, ExecutionGone),
        ["retry xyz"] = new("POST", "/api/executions/xyz/retry", null, Missing, ExecutionGone),
        ["advance xyz"] = new("POST", "/api/executions/xyz/advance", null, Missing, ExecutionGone),
        ["events to xyz"] = new("POST", "/api/executions/xyz/events", """{"name": "e"}""", Missing, ExecutionGone),
        ["input to xyz"] = new("POST", "/api/executions/xyz/input", """{"data": 1}""", Missing, ExecutionGone),
        ["unknown uuid execution"] = new("GET", $"/api/executions/{Guid.NewGuid()}", null, Missing, ExecutionGone),
        ["page zero"] = new("GET", "/api/workflows?page=0", null, Bad, Invalid),
        ["page_size 10000"] = new("GET", "/api/workflows?page_size=10000", null, Bad, Invalid),
        ["page not a number"] = new("GET", "/api/executions?page=two", null, Bad, Invalid),
        ["status nope"] = new("GET", "/api/executions?status=nope", null, Bad, Invalid),
        ["from yesterday"] = new("GET", "/api/executions?from=yesterday", null, Bad, Invalid),
        ["to garbage"] = new("GET", "/api/executions?to=31-31-31", null, Bad, Invalid),
        ["workflow_id xyz"] = new("GET", "/api/executions?workflow_id=xyz", null, Bad, Invalid),
        ["diff from abc"] = new("GET", "/api/workflows/{wf}/diff?from=abc", null, Bad, Invalid),
        ["diff to missing version"] = new("GET", "/api/workflows/{wf}/diff?from=1&to=50", null, Missing, "not_found"),
        ["invalid mode"] = new("POST", "/api/workflows/{wf}/execute", """{"mode": "turbo"}""", Bad, Invalid),
        ["mode not a string"] = new("POST", "/api/workflows/{wf}/execute", """{"mode": 1}""", Bad, Invalid),
        ["execute with array body"] = new("POST", "/api/workflows/{wf}/execute", "[1]", Bad, Invalid),
        ["test-execute bad timeout"] = new("POST", "/api/workflows/{wf}/test-execute", """{"timeout_seconds": -5}""", Bad, Invalid),
        ["test-execute debug not bool"] = new("POST", "/api/workflows/{wf}/test-execute", """{"debug_mode": "yes"}""", Bad, Invalid),
        ["tests of xyz"] = new("POST", "/api/workflows/xyz/tests", "{}", Missing, WorkflowGone),
        ["tests with bad timeout"] = new("POST", "/api/workflows/{wf}/tests", """{"timeout_seconds": "long"}""", Bad, Invalid),
        ["tests with body array"] = new("POST", "/api/workflows/{wf}/tests", "[]", Bad, Invalid),
        ["test case without expect"] = Create("""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": [{"name": "t"}]}"""),
        ["test case naming a missing step"] = Create("""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": [{"name": "t", "expect": {"path": ["a", "b"]}}]}"""),
        ["test case input to a missing step"] = Create("""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": [{"name": "t", "inputs": {"zz": 1}, "expect": {"status": "completed"}}]}"""),
        ["test case with bad status"] = Create("""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": [{"name": "t", "expect": {"status": "done"}}]}"""),
        ["test case unknown field"] = Create("""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": [{"name": "t", "expcet": {}, "expect": {"status": "completed"}}]}"""),
        ["test cases with one name twice"] = Create("""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": [{"name": "t", "expect": {"status": "completed"}}, {"name": "t", "expect": {"status": "failed"}}]}"""),
        ["tests not an array"] = Create("""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": {"name": "t"}}"""),
        ["test-execute skip_time not bool"] = new("POST", "/api/workflows/{wf}/test-execute", """{"skip_time": "yes"}""", Bad, Invalid),
        ["test-execute events not array"] = new("POST", "/api/workflows/{wf}/test-execute", """{"events": {"name": "e"}}""", Bad, Invalid),
        ["test-execute event not object"] = new("POST", "/api/workflows/{wf}/test-execute", """{"events": ["e"]}""", Bad, Invalid),
        ["test-execute event without name"] = new("POST", "/api/workflows/{wf}/test-execute", """{"events": [{"data": 1}]}""", Bad, Invalid),
        ["test-execute event with numeric name"] = new("POST", "/api/workflows/{wf}/test-execute", """{"events": [{"name": 7}]}""", Bad, Invalid),
        ["test-execute event with data and payload"] = new("POST", "/api/workflows/{wf}/test-execute", """{"events": [{"name": "e", "data": 1, "payload": 2}]}""", Bad, Invalid),
        ["test-execute 101 events"] = new("POST", "/api/workflows/{wf}/test-execute",
            "{\"events\": [" + string.Join(",", Enumerable.Repeat("""{"name": "e"}""", 101)) + "]}", Bad, Invalid),
        ["test-execute inputs not object"] = new("POST", "/api/workflows/{wf}/test-execute", """{"inputs": [{"review": 1}]}""", Bad, Invalid),
        ["test-execute inputs with empty step id"] = new("POST", "/api/workflows/{wf}/test-execute", """{"inputs": {"": 1}}""", Bad, Invalid),
        ["events without name"] = new("POST", "/api/executions/{ex}/events", """{"data": {}}""", Bad, Invalid),
        ["events with numeric name"] = new("POST", "/api/executions/{ex}/events", """{"name": 3}""", Bad, Invalid),
        ["events to finished execution"] = new("POST", "/api/executions/{ex}/events", """{"name": "e"}""", HttpStatusCode.Conflict, "conflict"),
        ["input waiting for nothing"] = new("POST", "/api/executions/{ex}/input", """{"data": {"a": 1}}""", HttpStatusCode.Conflict, "conflict"),
        ["pause finished execution"] = new("POST", "/api/executions/{ex}/pause", null, HttpStatusCode.Conflict, "conflict"),
        ["advance automatic execution"] = new("POST", "/api/executions/{ex}/advance", null, HttpStatusCode.Conflict, "conflict"),
        ["validate-step without step"] = new("POST", "/api/workflows/validate-step", "{}", Bad, Invalid),
        ["validate-step bad available_steps"] = new("POST", "/api/workflows/validate-step",
            """{"step": {"id": "a", "type": "output"}, "context": {"available_steps": [1]}}""", Bad, Invalid),
        ["validate with a string"] = new("POST", "/api/workflows/validate", "\"x\"", Bad, Invalid),
        ["schedule empty body"] = new("POST", "/api/workflows/{wf}/schedules", "", Bad, Invalid),
        ["schedule array body"] = new("POST", "/api/workflows/{wf}/schedules", "[]", Bad, Invalid),
        ["schedule without cron"] = new("POST", "/api/workflows/{wf}/schedules", """{"time_zone": "UTC"}""", Bad, Invalid),
        ["schedule cron a number"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": 5}""", Bad, Invalid),
        ["schedule cron 7 fields"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": "* * * * * * *"}""", Bad, Invalid),
        ["schedule cron minute 61"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": "61 * * * *"}""", Bad, Invalid),
        ["schedule cron 30 february"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": "0 0 30 2 *", "enabled": false}""", Bad, Invalid),
        ["schedule huge cron"] = new("POST", "/api/workflows/{wf}/schedules", $$"""{"cron": "{{new string('*', 100_000)}}"}""", Bad, Invalid),
        ["schedule zone Mars/Base"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": "@daily", "time_zone": "Mars/Base"}""", Bad, Invalid),
        ["schedule enabled yes"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": "@daily", "enabled": "yes"}""", Bad, Invalid),
        ["schedule unknown field"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": "@daily", "every": "day"}""", Bad, Invalid),
        ["schedules of xyz"] = new("GET", "/api/workflows/xyz/schedules", null, Missing, WorkflowGone),
        ["schedule on xyz"] = new("POST", "/api/workflows/xyz/schedules", """{"cron": "@daily"}""", Missing, WorkflowGone),
        ["schedules of unknown uuid"] = new("GET", $"/api/workflows/{Guid.NewGuid()}/schedules", null, Missing, WorkflowGone),
        ["get schedule xyz"] = new("GET", "/api/workflows/{wf}/schedules/xyz", null, Missing, "not_found"),
        ["patch schedule xyz"] = new("PATCH", "/api/workflows/{wf}/schedules/xyz", """{"enabled": false}""", Missing, "not_found"),
        ["delete schedule xyz"] = new("DELETE", "/api/workflows/{wf}/schedules/xyz", null, Missing, "not_found"),
        ["unknown uuid schedule"] = new("GET", $"/api/workflows/{{wf}}/schedules/{Guid.NewGuid()}", null, Missing, "not_found"),
        // The execution limits and duration maxima, refused at save time with the step and field named.
        ["step timeout of 50 days"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "timeout": "50d"}]}"""),
        ["workflow timeout of 400 days"] = Create($$"""{"name": "x", "timeout": "400d", "steps": {{Steps}}}"""),
        ["retry interval of 31 days"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "retry": {"initial_interval": "31d"}}]}"""),
        ["wait of 367 days"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "wait", "config": {"duration": "367d"}}]}"""),
        ["field path 80 levels deep"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "addField", "config": {"field": "PATH", "value": 1}}]}"""
            .Replace("PATH", string.Join('.', Enumerable.Range(0, 80).Select(i => $"s{i}")))),
        ["field path index 2147483646"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "addField", "config": {"field": "x[2147483646]", "value": 1}}]}"""),
        ["field path index 10000000"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "addField", "config": {"field": "x[10000000]", "value": 1}}]}"""),
        ["three nested literal loops of 100"] = Create("""
            {"name": "x", "steps": [{"id": "a", "type": "foreach", "config": {"items": ITEMS, "step": {"type": "foreach", "config": {"items": ITEMS,
              "step": {"type": "foreach", "config": {"items": ITEMS, "step": {"type": "addField", "config": {"field": "x", "value": 1}}}}}}}}]}
            """.Replace("ITEMS", "[" + string.Join(",", Enumerable.Range(0, 100)) + "]")),
        ["execute with input 100 levels deep"] = new("POST", "/api/workflows/{wf}/execute",
            "{\"input\": " + string.Concat(Enumerable.Repeat("{\"d\":", 100)) + "1" + new string('}', 100) + "}", Bad, Invalid),
        ["event data 100 levels deep"] = new("POST", "/api/executions/{ex}/events",
            "{\"name\": \"e\", \"data\": " + new string('[', 100) + new string(']', 100) + "}", Bad, Invalid),
        ["unknown top-level field"] = Create($$"""{"name": "x", "stepz": [], "steps": {{Steps}}}"""),
        ["unknown step field nxt"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "nxt": "a"}]}"""),
        ["unknown retry field"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "retry": {"max_attempt": 3}}]}"""),
        ["put unknown step field"] = Put("""{"name": "x", "steps": [{"id": "a", "type": "output", "on_eror": "a"}]}"""),
        ["NUL in step name"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "name": "a\u0000b"}]}"""),
        ["NUL in a config key"] = Create("""{"name": "x", "steps": [{"id": "a", "type": "output", "config": {"k\u0000": 1}}]}"""),
        ["NUL in workflow description"] = Put($$"""{"name": "x", "description": "\u0000", "steps": {{Steps}}}"""),
        ["NUL in execution input"] = new("POST", "/api/workflows/{wf}/execute", """{"input": {"name": "a\u0000"}}""", Bad, Invalid),
        ["NUL in start initial_data"] = new("POST", "/api/executions", $$"""{"workflow_id": "{{Guid.NewGuid()}}", "initial_data": ["\u0000"]}""", Bad, Invalid),
        ["NUL in test-execute input"] = new("POST", "/api/workflows/{wf}/test-execute", """{"input": {"\u0000": 1}}""", Bad, Invalid),
        ["NUL in event data"] = new("POST", "/api/executions/{ex}/events", """{"name": "e", "data": {"x": "\u0000"}}""", Bad, Invalid),
        ["NUL in submitted input"] = new("POST", "/api/executions/{ex}/input", """{"data": "\u0000"}""", Bad, Invalid),
        ["NUL in schedule input"] = new("POST", "/api/workflows/{wf}/schedules", """{"cron": "@daily", "input": {"a": "\u0000"}}""", Bad, Invalid),
        ["idempotency key of 256 characters"] = Execute(new string('k', 256)),
        ["idempotency key with a tab"] = Execute("a\tb"),
        ["idempotency key with DEL"] = Execute("a\u007fb"),
        ["idempotency key empty"] = Execute(""),
        ["idempotency key too long on test-execute"] = new("POST", "/api/workflows/{wf}/test-execute", "{}", Bad, Invalid)
        {
            Headers = [new("Idempotency-Key", new string('k', 300))],
        },
        ["get validate-step"] = new("GET", "/api/workflows/validate-step", null, HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
        ["delete validate"] = new("DELETE", "/api/workflows/validate", null, HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
        ["wrong method on schedules"] = new("PUT", "/api/workflows/{wf}/schedules", "{}", HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
    });

    /// <summary>Credentials that must not get through, each on a sample of routes that would change or reveal
    /// something: refused before the route runs, in the error shape. The corpus server checks the audience.</summary>
    private static Dictionary<string, BadRequest> WithCredentialCases(Dictionary<string, BadRequest> cases)
    {
        var claims = () => Security.Jwts.Claims("corpus-token-tenant").With("aud", Infrastructure.TestTokens.Audience);
        var credentials = new (string Name, string Token, HttpStatusCode Status, string Code)[]
        {
            ("forged", Security.Jwts.Hs256(claims(), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), HttpStatusCode.Unauthorized, "unauthorized"),
            ("expired", Security.Jwts.Hs256(claims().With("iat", Security.Jwts.Now - 7200).With("nbf", Security.Jwts.Now - 7200).With("exp", Security.Jwts.Now - 3600)),
                HttpStatusCode.Unauthorized, "unauthorized"),
            ("alg none", Security.Jwts.Unsigned(claims()), HttpStatusCode.Unauthorized, "unauthorized"),
            ("wrong audience", Security.Jwts.Hs256(claims().With("aud", "another-api")), HttpStatusCode.Unauthorized, "unauthorized"),
            // A valid admin token of another tenant, sent with the corpus tenant's X-Tenant-ID.
            ("foreign tenant", Infrastructure.TestTokens.For("corpus-foreign-tenant"), HttpStatusCode.Forbidden, "permission_denied"),
        };
        var routes = new (string Method, string Path, string? Body)[]
        {
            ("POST", "/api/workflows", $$"""{"name": "planted", "steps": {{Steps}}}"""),
            ("PUT", "/api/workflows/{wf}", $$"""{"name": "hijacked", "steps": {{Steps}}}"""),
            ("DELETE", "/api/workflows/{wf}", null),
            ("POST", "/api/workflows/{wf}/execute", "{}"),
            ("POST", "/api/workflows/{wf}/schedules", """{"cron": "@daily"}"""),
            ("GET", "/api/executions/{ex}", null),
            ("POST", "/api/executions/{ex}/retry", null),
        };
        foreach (var credential in credentials)
            foreach (var route in routes)
                cases[$"{credential.Name} token: {route.Method} {route.Path}"] = new(route.Method, route.Path, route.Body, credential.Status, credential.Code)
                {
                    Headers = [new("Authorization", $"Bearer {credential.Token}")],
                };
        return cases;
    }

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in All.Keys)
                data.Add(name);
            return data;
        }
    }
}
