using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

public class TemplateTests
{
    private static readonly JsonNode Context = JsonNode.Parse(Eval.Context)!;

    private static string Render(string json) => Templates.Render(JsonNode.Parse(json), Context)?.ToJsonString() ?? "null";

    [Theory]
    [InlineData("\"{{ $.input.age }}\"", "36")]
    [InlineData("\"{{$.input.price}}\"", "2.5")]
    [InlineData("\"  {{ variables.flag }}  \"", "true")]
    [InlineData("\"{{ $.input.nested }}\"", "{\"deep\":{\"value\":7}}")]
    [InlineData("\"{{ $.input.tags }}\"", "[\"a\",\"b\",\"c\"]")]
    [InlineData("\"{{ $.missing }}\"", "null")]
    [InlineData("\"{{ $.input.age + 1 }}\"", "37")]
    public void Render_SinglePlaceholder_KeepsJsonType(string json, string expected) => Assert.Equal(expected, Render(json));

    [Theory]
    [InlineData("Hello {{ $.input.name }}!", "Hello Ada!")]
    [InlineData("mailto:{{variables.email}}", "mailto:ada@example.com")]
    [InlineData("{{ $.input.name }} is {{ $.input.age }}", "Ada is 36")]
    [InlineData("[{{ $.missing }}]", "[]")]
    [InlineData("ok={{ $.enrich_data.success }}", "ok=true")]
    [InlineData("tags={{ $.input.tags }}", "tags=[\"a\",\"b\",\"c\"]")]
    [InlineData("obj={{ $.input.nested }}", "obj={\"deep\":{\"value\":7}}")]
    [InlineData("{{ '}}' }} and {{ \"{{\" }}", "}} and {{")]
    [InlineData("{{ $.input.name }}{{ $.input.age }}", "Ada36")]
    [InlineData("a < b & {{ 'é<>' }}", "a < b & é<>")]
    public void Render_Interpolation_WritesValuesIntoText(string template, string expected) =>
        Assert.Equal(expected, Templates.Render(JsonValue.Create(template), Context)!.GetValue<string>());

    [Fact]
    public void Render_NestedObjectsAndArrays_RendersEveryStringAndKeepsOthers()
    {
        const string config = """
            {"url": "https://api/{{ $.input.name }}", "retries": 3, "on": true, "none": null,
             "headers": {"{{ keys }}": "{{ $.variables.email }}"},
             "items": [1, "{{ $.input.tags[0] }}", ["{{ $.input.age }}"], {"x": "{{ $.input.nested.deep }}"}]}
            """;
        Assert.Equal(
            """{"url":"https://api/Ada","retries":3,"on":true,"none":null,"headers":{"{{ keys }}":"ada@example.com"},"items":[1,"a",[36],{"x":{"value":7}}]}""",
            Render(config));
    }

    [Fact]
    public void Render_Input_IsNotChanged()
    {
        var config = JsonNode.Parse("""{"a": "{{ $.input.age }}", "b": [1]}""")!;
        var rendered = Templates.Render(config, Context)!;
        rendered["b"]!.AsArray().Add(2);
        Assert.Equal("""{"a":"{{ $.input.age }}","b":[1]}""", config.ToJsonString());
    }

    [Fact]
    public void Render_ValueFromContext_IsACopy()
    {
        var context = JsonNode.Parse("""{"obj": {"k": 1}}""")!;
        var rendered = Templates.Render(JsonValue.Create("{{ $.obj }}"), context)!;
        rendered["k"] = 2;
        Assert.Equal(1, context["obj"]!["k"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("single { brace }")]
    [InlineData("")]
    public void Render_StringWithoutPlaceholder_IsUnchanged(string text) =>
        Assert.Equal(text, Templates.Render(JsonValue.Create(text), Context)!.GetValue<string>());

    [Fact]
    public void Render_Null_IsNull() => Assert.Null(Templates.Render(null, Context));

    [Fact]
    public void Render_RuntimeError_ThrowsWithPlaceholderAndPosition()
    {
        var error = Assert.Throws<ExpressionException>(() => Templates.Render(JsonValue.Create("x={{ 1 / 0 }}"), Context));
        Assert.Contains("{{ 1 / 0 }}", error.Message);
        Assert.Contains("Division by zero", error.Message);
        Assert.Equal(7, error.Position);
    }

    [Fact]
    public void Render_ParseError_Throws()
    {
        var error = Assert.Throws<ExpressionException>(() => Templates.Render(JsonValue.Create("a {{ (1 }}"), Context));
        Assert.Equal(8, error.Position);
    }

    [Fact]
    public void Render_NowPlaceholder_UsesTimeProvider()
    {
        var time = new FixedTime(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var rendered = Templates.Render(JsonValue.Create("at {{ now() }}"), null, time)!;
        Assert.Equal("at 2025-01-02T03:04:05.000Z", rendered.GetValue<string>());
    }

    [Fact]
    public void Validate_ValidTemplates_HasNoErrors() =>
        Assert.Empty(Templates.Validate(JsonNode.Parse("""{"a": "{{ $.x }}", "b": ["x {{ lower($.y) }} y", 3], "c": "no placeholders"}""")));

    [Fact]
    public void Validate_Errors_HaveJsonPathsAndPositions()
    {
        var config = JsonNode.Parse("""
            {"headers": {"Authorization": "Bearer {{ $.token + }}"},
             "items": ["ok", "{{ 1 }}", "{{ nope(1) }}"],
             "odd key": {"x": "{{ unterminated"},
             "many": "{{ ( }} and {{ ) }}"}
            """);
        var errors = Templates.Validate(config);
        Assert.Equal(5, errors.Count);
        Assert.Equal(new TemplateError("$.headers.Authorization", "Expected an expression at position 20", 20), errors[0]);
        Assert.Equal("$.items[2]", errors[1].Path);
        Assert.StartsWith("Unknown function 'nope'", errors[1].Message);
        Assert.Equal(3, errors[1].Position);
        Assert.Equal(new TemplateError("$['odd key'].x", "Unterminated '{{' at position 0", 0), errors[2]);
        Assert.Equal("$.many", errors[3].Path);
        Assert.Equal(5, errors[3].Position);
        Assert.Equal(15, errors[4].Position);
    }

    [Fact]
    public void Validate_EmptyPlaceholder_IsAnError() =>
        Assert.Equal("Expected an expression at position 3", Assert.Single(Templates.Validate(JsonValue.Create("{{ }}"))).Message);

    [Fact]
    public void Validate_RootString_HasRootPath() =>
        Assert.Equal("$", Assert.Single(Templates.Validate(JsonValue.Create("{{ 'x }}"))).Path);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
