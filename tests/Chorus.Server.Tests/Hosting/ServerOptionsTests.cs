using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

public sealed class ServerOptionsTests
{
    private static ServerOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return ServerOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void FromEnvironment_Nothing_UsesTheDocumentedDefaults()
    {
        var options = From();

        Assert.Equal(8000, options.Port);
        Assert.Equal("chorus.db", options.DatabasePath);
        Assert.Null(options.PostgresUrl);
        Assert.True(options.FullSync);
        Assert.Equal(100, options.Engine.MaxConcurrentWorkflows);
        Assert.Equal(3, options.Engine.StepRetryLimit);
        Assert.Equal(TimeSpan.FromSeconds(300), options.Engine.StepTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Engine.CheckInterval);
        Assert.Null(options.Engine.ExecutionTimeout);
    }

    [Fact]
    public void FromEnvironment_SeedVariables_AreRead()
    {
        var options = From(("PORT", "8123"), ("MAX_CONCURRENT_WORKFLOWS", "7"), ("WORKFLOW_CHECK_INTERVAL", "2.5"),
            ("STEP_RETRY_LIMIT", "5"), ("STEP_TIMEOUT", "60"), ("EXECUTION_TIMEOUT", "600"), ("SQLITE_SYNCHRONOUS", "normal"));

        Assert.Equal(8123, options.Port);
        Assert.Equal(7, options.Engine.MaxConcurrentWorkflows);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Engine.CheckInterval);
        Assert.Equal(5, options.Engine.StepRetryLimit);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Engine.StepTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Engine.ExecutionTimeout);
        Assert.False(options.FullSync);
    }

    [Theory]
    [InlineData("data/chorus.db", "data/chorus.db")]
    [InlineData("sqlite:data/x.db", "data/x.db")]
    [InlineData("sqlite:///var/lib/chorus.db", "/var/lib/chorus.db")]
    [InlineData("file:x.db", "x.db")]
    public void FromEnvironment_SqliteDatabaseUrl_GivesTheFilePath(string url, string path)
    {
        var options = From(("DATABASE_URL", url));

        Assert.Equal(path, options.DatabasePath);
        Assert.Null(options.PostgresUrl);
    }

    [Theory]
    [InlineData("postgres://chorus:secret@db:5432/chorus")]
    [InlineData("postgresql://chorus@localhost/chorus")]
    [InlineData("postgresql+asyncpg://postgres:postgres@localhost:5432/discovery")]
    public void FromEnvironment_PostgresDatabaseUrl_SelectsTheSharedStore(string url)
    {
        Assert.Equal(url, From(("DATABASE_URL", url)).PostgresUrl);
    }

    [Theory]
    [InlineData("PORT", "eighty")]
    [InlineData("PORT", "70000")]
    [InlineData("MAX_CONCURRENT_WORKFLOWS", "0")]
    [InlineData("STEP_RETRY_LIMIT", "-1")]
    [InlineData("STEP_TIMEOUT", "0")]
    [InlineData("WORKFLOW_CHECK_INTERVAL", "soon")]
    [InlineData("SQLITE_SYNCHRONOUS", "sometimes")]
    [InlineData("DATABASE_URL", "mysql://db/chorus")]
    [InlineData("DATABASE_URL", "sqlite:")]
    [InlineData("LLM_BASE_URL", "ftp://models")]
    [InlineData("LLM_DAILY_TOKEN_BUDGET", "lots")]
    [InlineData("LLM_DAILY_TOKEN_BUDGET", "-5")]
    [InlineData("SMS_BASE_URL", "ftp://sms")]
    [InlineData("SMS_FROM", "Chorus")]
    public void FromEnvironment_MalformedValue_StopsWithAOneLineReasonNamingTheVariable(string name, string value)
    {
        var ex = Assert.Throws<OptionsException>(() => From((name, value)));

        Assert.StartsWith(name + ":", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void FromEnvironment_LlmSettings_AreRead_AndABudgetOfZeroIsNone()
    {
        var llm = From(("LLM_BASE_URL", "https://models.example.org/v1"), ("LLM_MODEL", "small"), ("LLM_API_KEY", "sk-1"), ("LLM_DAILY_TOKEN_BUDGET", "50000")).Llm;

        Assert.Equal((new Uri("https://models.example.org/v1"), "small", "sk-1", (long?)50_000), (llm.BaseUrl, llm.Model, llm.ApiKey, llm.DailyTokenBudget));
        Assert.DoesNotContain("sk-1", llm.ToString());
        Assert.Null(From(("LLM_DAILY_TOKEN_BUDGET", "0")).Llm.DailyTokenBudget);
    }

    [Theory]
    [InlineData("STEP_TIMEOUT", "4320000")] // 50 days: past what a .NET timer supports (49.7 days)
    [InlineData("STEP_TIMEOUT", "2592001")] // a second past 30 days
    [InlineData("EXECUTION_TIMEOUT", "31708801")] // a second past 367 days
    [InlineData("LEASE_DURATION", "86401")] // a second past a day
    [InlineData("WORKFLOW_CHECK_INTERVAL", "86401")]
    public void FromEnvironment_DurationPastItsMaximum_StopsWithTheMaximumInTheReason(string name, string value)
    {
        var ex = Assert.Throws<OptionsException>(() => From((name, value)));

        Assert.StartsWith(name + ":", ex.Message);
        Assert.Contains("at most", ex.Message);
    }

    [Fact]
    public void FromEnvironment_DurationsAtTheirMaximum_AreAccepted()
    {
        var options = From(("STEP_TIMEOUT", "2592000"), ("EXECUTION_TIMEOUT", "31622400"));

        Assert.Equal(TimeSpan.FromDays(30), options.Engine.StepTimeout);
        Assert.Equal(TimeSpan.FromDays(366), options.Engine.ExecutionTimeout);
    }
}
