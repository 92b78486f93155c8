using System.Globalization;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Outbound;
using Chorus.Engine.Runtime;
using Chorus.Server.Security;

namespace Chorus.Server.Hosting;

/// <summary>The server's settings, read from environment variables (SPEC §1). Each has a default; a malformed
/// value stops the process at start with a one-line reason.</summary>
public sealed record ServerOptions
{
    /// <summary>PORT (alias API_PORT): where the API listens (8000).</summary>
    public int Port { get; init; } = 8000;

    /// <summary>HOST: the address to listen on (127.0.0.1). Another address needs a configured token key (see
    /// <see cref="AuthSettings"/>), so that a server reachable from outside never runs on a key nobody chose.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>DATABASE_URL (alias DATABASE_PATH): a SQLite file path, or <c>sqlite:PATH</c> (default <c>chorus.db</c> in the working directory).</summary>
    public string DatabasePath { get; init; } = "chorus.db";

    /// <summary>DATABASE_URL as <c>postgres://…</c>, <c>postgresql://…</c> or <c>postgresql+asyncpg://…</c>: the
    /// shared PostgreSQL store that several server processes can use at once. Null for the embedded store.</summary>
    public string? PostgresUrl { get; init; }

    /// <summary>SQLITE_SYNCHRONOUS: FULL (default, every commit on disk) or NORMAL.</summary>
    public bool FullSync { get; init; } = true;

    /// <summary>MAX_BODY_BYTES: largest request body accepted (1 MiB).</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>ENVIRONMENT: development or production; only changes log verbosity.</summary>
    public string Environment { get; init; } = "production";

    /// <summary>DEFAULT_TIER: the tier of a tenant the operator has not assigned one (enterprise: no limits but
    /// history; a shared server sets free).</summary>
    public string DefaultTier { get; init; } = "enterprise";

    /// <summary>RATE_LIMIT_TENANT: requests per second one tenant may make, with bursts of twice that (200; 0 = no limit).</summary>
    public int RateLimitPerTenant { get; init; } = 200;

    /// <summary>RATE_LIMIT_CREDENTIAL: requests per second one token subject or API key may make (100; 0 = no limit).</summary>
    public int RateLimitPerCredential { get; init; } = 100;

    public EngineOptions Engine { get; init; } = new();

    /// <summary>REDIS_URL: where every execution event is also published (redis://, rediss:// or
    /// StackExchange.Redis's host:port,password=…); null publishes nowhere.</summary>
    public string? RedisUrl { get; init; }

    /// <summary>EVENTS_RABBITMQ_URL and EVENTS_RABBITMQ_EXCHANGE (chorus.events): the RabbitMQ topic exchange every event is
    /// also published to; null publishes nowhere.</summary>
    public Brokers.RabbitMq.RabbitMqEventsSettings? RabbitMqEvents { get; init; }

    /// <summary>SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM, SMTP_TLS: the SMTP server email steps send
    /// through unless a step names its own; null when SMTP_HOST is not set.</summary>
    public Email.SmtpSettings? Smtp { get; init; }

    /// <summary>LLM_BASE_URL, LLM_MODEL, LLM_API_KEY, LLM_DAILY_TOKEN_BUDGET: the language model llm steps use unless
    /// they name their own, and each tenant's daily token budget.</summary>
    public Llm.LlmSettings Llm { get; init; } = new();

    /// <summary>SMS_BASE_URL, SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM: the Twilio-compatible account sendSMS steps use
    /// unless they name their own.</summary>
    public Sms.SmsSettings Sms { get; init; } = new();

    /// <summary>FILES_MAX_BYTES, FILES_DIR, PAYLOAD_OFFLOAD_BYTES: the tenants' file store.</summary>
    public Files.FileSettings Files { get; init; } = new();
    /// <summary>COLLECTION_MAX_RECORDS, COLLECTION_MAX_COLLECTIONS: the caps on tenants' collections (saveRecords).</summary>
    public Collections.CollectionSettings Collections { get; init; } = new();

    /// <summary>MYSQL_URL or MYSQL_CONNECTION_STRING: the database mysql steps use unless they name their tenant's own.</summary>
    public Mysql.MysqlSettings Mysql { get; init; } = new();

    /// <summary>SECRETS_KEY: the base64 of the 32-byte AES key tenants' secrets are encrypted with. Without it the
    /// server generates one in <see cref="SecretsKeyFilePath"/>.</summary>
    public byte[]? SecretsKey { get; init; }

    /// <summary>CHORUS_SECRETS_KEY_FILE: where the generated secrets key is kept (default beside the database).</summary>
    public string? SecretsKeyFile { get; init; }

    /// <summary>Where the generated secrets key lives when SECRETS_KEY is not set: CHORUS_SECRETS_KEY_FILE, else
    /// beside the SQLite file (<c>chorus.db</c> → <c>chorus.db.secrets.key</c>), else <c>chorus.secrets.key</c>.</summary>
    public string SecretsKeyFilePath => SecretsKeyFile is { Length: > 0 } path ? path
        : PostgresUrl is not null ? "chorus.secrets.key"
        : DatabasePath + ".secrets.key";

    /// <summary>How callers' tokens are verified.</summary>
    public AuthSettings Auth { get; init; } = new();

    /// <summary>Where the generated signing key lives when none is configured.</summary>
    public string KeyFilePath => SigningKeyFile.PathFor(Auth.KeyFile, DatabasePath, PostgresUrl is not null);

    public static ServerOptions FromEnvironment(Func<string, string?> read)
    {
        var defaults = new ServerOptions();
        var engine = new EngineOptions();
        var database = Aliased(read, "DATABASE_URL", "DATABASE_PATH");
        return new ServerOptions
        {
            Port = Int(read, Aliased(read, "PORT", "API_PORT"), defaults.Port, 0, 65535),
            Host = read("HOST") is { Length: > 0 } host ? host : defaults.Host,
            DatabasePath = DatabasePathFrom(read(database), database) ?? defaults.DatabasePath,
            PostgresUrl = IsPostgres(read(database)) ? read(database) : null,
            FullSync = Choice(read, "SQLITE_SYNCHRONOUS", "FULL", "FULL", "NORMAL") == "FULL",
            MaxBodyBytes = Int(read, "MAX_BODY_BYTES", (int)defaults.MaxBodyBytes, 1024, 256 * 1024 * 1024),
            Environment = read("ENVIRONMENT") is { Length: > 0 } env ? env : defaults.Environment,
            Auth = AuthSettings.FromEnvironment(read),
            DefaultTier = read("DEFAULT_TIER") is { Length: > 0 } tier ? tier : defaults.DefaultTier,
            SecretsKey = SecretsKeyFrom(read("SECRETS_KEY")),
            SecretsKeyFile = read("CHORUS_SECRETS_KEY_FILE") is { Length: > 0 } secretsKeyFile ? secretsKeyFile : null,
            RateLimitPerTenant = Int(read, "RATE_LIMIT_TENANT", defaults.RateLimitPerTenant, 0, 1_000_000),
            RateLimitPerCredential = Int(read, "RATE_LIMIT_CREDENTIAL", defaults.RateLimitPerCredential, 0, 1_000_000),
            RedisUrl = RedisUrlFrom(read("REDIS_URL")),
            RabbitMqEvents = Brokers.RabbitMq.RabbitMqEventsSettings.FromEnvironment(read),
            Smtp = Email.SmtpSettings.FromEnvironment(read),
            Llm = global::Chorus.Server.Llm.LlmSettings.FromEnvironment(read),
            Sms = global::Chorus.Server.Sms.SmsSettings.FromEnvironment(read),
            Files = global::Chorus.Server.Files.FileSettings.FromEnvironment(read),
            Collections = global::Chorus.Server.Collections.CollectionSettings.FromEnvironment(read),
            Mysql = global::Chorus.Server.Mysql.MysqlSettings.FromEnvironment(read),
            Engine = engine with
            {
                MaxConcurrentWorkflows = Int(read, "MAX_CONCURRENT_WORKFLOWS", engine.MaxConcurrentWorkflows, 1, 1_000_000),
                CheckInterval = Seconds(read, "WORKFLOW_CHECK_INTERVAL", engine.CheckInterval, MaxTimerPeriod),
                StepRetryLimit = Int(read, "STEP_RETRY_LIMIT", engine.StepRetryLimit, 1, 100),
                StepTimeout = Seconds(read, "STEP_TIMEOUT", engine.StepTimeout, DurationLimits.MaxStepTimeout),
                ExecutionTimeout = read("EXECUTION_TIMEOUT") is { Length: > 0 }
                    ? Seconds(read, "EXECUTION_TIMEOUT", TimeSpan.Zero, DurationLimits.MaxExecutionTimeout) : null,
                WorkerConcurrency = Int(read, "WORKER_CONCURRENCY", engine.WorkerConcurrency, 1, 4096),
                LeaseDuration = Seconds(read, "LEASE_DURATION", engine.LeaseDuration, MaxTimerPeriod),
                Limits = LimitsFrom(read, engine.Limits),
                OutboundHttp = OutboundHttpFrom(read),
                RemoteSteps = RemoteStepsFrom(read),
                Retention = engine.Retention with
                {
                    // Unset keeps all history; 0 keeps events for ever.
                    History = read("HISTORY_RETENTION_DAYS") is { Length: > 0 }
                        ? TimeSpan.FromDays(Int(read, "HISTORY_RETENTION_DAYS", 0, 1, 36_500)) : null,
                    Events = Int(read, "EVENTS_RETENTION_HOURS", 24, 0, 24 * 36_500) is var hours and > 0 ? TimeSpan.FromHours(hours) : null,
                },
            },
        };
    }

    private static ExecutionLimits LimitsFrom(Func<string, string?> read, ExecutionLimits d) => new()
    {
        MaxSubflowDepth = Int(read, "SUBFLOW_MAX_DEPTH", d.MaxSubflowDepth, 1, 100),
        MaxJsonDepth = Int(read, "JSON_MAX_DEPTH", d.MaxJsonDepth, 8, 256),
        MaxStepOutputBytes = Int(read, "STEP_OUTPUT_MAX_BYTES", d.MaxStepOutputBytes, 1024, 256 * 1024 * 1024),
        MaxContextBytes = Int(read, "CONTEXT_MAX_BYTES", d.MaxContextBytes, 1024, 1024 * 1024 * 1024),
        MaxArrayIndex = Int(read, "JSON_MAX_ARRAY_INDEX", d.MaxArrayIndex, 0, 10_000_000),
        MaxLoopIterations = Int(read, "LOOP_MAX_ITERATIONS", d.MaxLoopIterations, 1, 100_000_000),
        MaxCommitFailures = Int(read, "COMMIT_MAX_FAILURES", d.MaxCommitFailures, 1, 100),
        TenantSlotShare = Fraction(read, "TENANT_SLOT_SHARE", d.TenantSlotShare),
    };

    /// <summary>STEPS_SVC_URL and STEPS_SVC_TIMEOUT; the CLI's embedded run reads the same ones.</summary>
    public static Chorus.Engine.Steps.Remote.RemoteStepsOptions RemoteStepsFrom(Func<string, string?> read) => RemoteStepsSettings.From(read);

    /// <summary>The outbound HTTP policy's settings; the CLI's embedded run reads the same ones.</summary>
    public static OutboundHttpOptions OutboundHttpFrom(Func<string, string?> read)
    {
        var d = new OutboundHttpOptions();
        var options = new OutboundHttpOptions
        {
            AllowPrivate = Flag(read, "HTTP_ALLOW_PRIVATE", d.AllowPrivate),
            AllowHosts = (read("HTTP_ALLOW_HOSTS") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            MaxRedirects = Int(read, "HTTP_MAX_REDIRECTS", d.MaxRedirects, 0, 20),
            MaxResponseBytes = Int(read, "HTTP_MAX_RESPONSE_BYTES", (int)d.MaxResponseBytes, 1024, 1024 * 1024 * 1024),
            // A request is not a timer in the store: its timeout must stay within what a cancellation timer supports.
            Timeout = Seconds(read, "HTTP_TIMEOUT", d.Timeout, MaxTimerPeriod),
        };
        try
        {
            HostAllowList.Parse(options.AllowHosts);
        }
        catch (FormatException ex)
        {
            throw new OptionsException($"HTTP_ALLOW_HOSTS: {ex.Message}");
        }
        return options;
    }

    private static string? RedisUrlFrom(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            RedisEvents.RedisUrl.Parse(text.Trim());
            return text.Trim();
        }
        catch (ArgumentException ex)
        {
            // The value is not echoed: it may hold a password.
            throw new OptionsException($"REDIS_URL: {ex.Message}");
        }
    }

    private static byte[]? SecretsKeyFrom(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            var key = Convert.FromBase64String(text.Trim());
            // The key itself is never part of the message.
            return key.Length == 32 ? key : throw new OptionsException($"SECRETS_KEY: the key is {key.Length} bytes; it must be the base64 of 32 bytes.");
        }
        catch (FormatException)
        {
            throw new OptionsException("SECRETS_KEY: the key is not base64; it must be the base64 of 32 bytes.");
        }
    }

    private static bool Flag(Func<string, string?> read, string name, bool fallback) =>
        Choice(read, name, fallback ? "true" : "false", "true", "false", "1", "0") is "true" or "1";

    private static double Fraction(Func<string, string?> read, string name, double fallback)
    {
        var text = read(name);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0 && value <= 1))
            throw new OptionsException($"{name}: '{text}' is not a fraction greater than 0 and at most 1.");
        return value;
    }

    private static bool IsPostgres(string? url) =>
        url is not null && (url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("postgresql+asyncpg://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The variable to read: <paramref name="name"/> when set, else <paramref name="alias"/>, the name the
    /// background-execution system's service used (API_PORT, DATABASE_PATH), so its environment files work unchanged.
    /// Errors then name the variable actually read.</summary>
    private static string Aliased(Func<string, string?> read, string name, string alias) =>
        string.IsNullOrWhiteSpace(read(name)) && !string.IsNullOrWhiteSpace(read(alias)) ? alias : name;

    private static string? DatabasePathFrom(string? url, string name)
    {
        if (string.IsNullOrWhiteSpace(url) || IsPostgres(url))
            return null;
        foreach (var prefix in new[] { "sqlite:///", "sqlite://", "sqlite:", "file:" })
            if (url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return url[prefix.Length..] is { Length: > 0 } path ? (prefix == "sqlite:///" ? "/" + path : path)
                    : throw new OptionsException($"{name}: '{url}' names no file.");
        if (url.Contains("://", StringComparison.Ordinal))
            throw new OptionsException($"{name}: '{url}' is not a SQLite path or sqlite: URL.");
        return url;
    }

    private static int Int(Func<string, string?> read, string name, int fallback, int min, int max)
    {
        var text = read(name);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new OptionsException($"{name}: '{text}' is not a whole number from {min} to {max}.");
        return value;
    }

    // The check interval and the lease are periods of in-process timers, which a day is more than enough for.
    private static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromDays(1);

    private static TimeSpan Seconds(Func<string, string?> read, string name, TimeSpan fallback, TimeSpan max)
    {
        var text = read(name);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > max.TotalSeconds)
            throw new OptionsException($"{name}: '{text}' is not a number of seconds greater than 0 and at most {max.TotalSeconds:0} ({DurationLimits.Describe(max)}).");
        return TimeSpan.FromSeconds(seconds);
    }

    private static string Choice(Func<string, string?> read, string name, string fallback, params string[] allowed)
    {
        var text = read(name);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        var match = allowed.FirstOrDefault(a => a.Equals(text, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new OptionsException($"{name}: '{text}' must be one of {string.Join(", ", allowed)}.");
    }
}

public sealed class OptionsException(string message) : Exception(message);
