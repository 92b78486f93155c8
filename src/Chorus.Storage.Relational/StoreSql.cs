namespace Chorus.Storage.Relational;

/// <summary>Every statement the two stores share, in one store's dialect; built once per store.</summary>
internal sealed class StoreSql(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;
    public ExecutionRows Executions { get; } = new(dialect);
    public SearchAttributeRows SearchAttributes { get; } = new(dialect);
    public WorkflowRows Workflows { get; } = new(dialect);
    public ScheduleRows Schedules { get; } = new(dialect);
    public WorkItemRows WorkItems { get; } = new(dialect);
    public AppendOnlyTables AppendOnly { get; } = new(dialect);
    public SignalRows Signals { get; } = new(dialect);
    public IdempotencyRows IdempotencyKeys { get; } = new(dialect);
    public ApiKeyRows ApiKeys { get; } = new(dialect);
    public TierRows Tiers { get; } = new(dialect);
    public SecretRows Secrets { get; } = new(dialect);
    public WebhookTriggerRows WebhookTriggers { get; } = new(dialect);
    public BrokerTriggerRows BrokerTriggers { get; } = new(dialect);
    public RetentionRows Retention { get; } = new(dialect);
    public EventRelayRows EventRelays { get; } = new(dialect);
    public LlmTokenUsageRows LlmTokens { get; } = new(dialect);
    public FileRows Files { get; } = new(dialect);
    public CollectionRows Collections { get; } = new(dialect);
    public MigrationRows Migrations { get; } = new(dialect);
    public string SchemaMigrations { get; } = dialect.Table("schema_migrations");
}
