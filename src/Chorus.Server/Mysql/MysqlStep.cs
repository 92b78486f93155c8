using System.Data;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using MySqlConnector;

namespace Chorus.Server.Mysql;

/// <summary>The <c>mysql</c> step: one parameterised statement against a MySQL or MariaDB database, the tenant's (a
/// connection string in one of its secrets) or the server's (MYSQL_URL). Unless the step allows writes, the statement
/// runs in a read-only session and transaction that is rolled back, so the database itself refuses any write. Output
/// <c>{rows, count, columns, truncated}</c> for a statement that returns rows, <c>{affected_rows, last_insert_id}</c>
/// for one that does not. The connection string is never logged nor put in an error.</summary>
internal sealed class MysqlStep(MysqlSettings server, ISecretResolver secrets) : IStepHandler
{
    public const string StepType = "mysql";

    public string Type => StepType;

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => MysqlStepConfig.Validate(step.Config, placeholdersAllowed: true);

    public StepDescription Describe() => MysqlStepSchemas.Description;

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var step = MysqlStepConfig.Read(context.Config);
        var (connectionString, refused) = await ConnectionAsync(step, context, cancellationToken).ConfigureAwait(false);
        if (connectionString is null)
            return refused!;
        var where = step.Connection is null ? "the server's MySQL database" : $"the MySQL database of secret '{step.Connection}'";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(step.TimeoutSeconds));
        try
        {
            await using var connection = new MySqlConnection(connectionString.ConnectionString);
            await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
            var result = step.AllowWrites
                ? await MysqlStatement.RunAsync(connection, null, step, timeout.Token).ConfigureAwait(false)
                : await ReadOnlyAsync(connection, step, timeout.Token).ConfigureAwait(false);
            context.Log("info", $"mysql ran on {where}: {Summary(result)}");
            return StepResult.Done(result);
        }
        catch (MySqlException ex) when (!cancellationToken.IsCancellationRequested && MysqlFailures.Of(ex, where, step, connectionString.Password) is { } failed)
        {
            context.Log("warning", $"mysql on {where} failed: {failed.Message}");
            return failed;
        }
        catch (MysqlResultTooLargeException ex)
        {
            return new StepResult.Failed("mysql_result_too_large", ex.Message, Retryable: false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is OperationCanceledException or TimeoutException)
        {
            return new StepResult.Failed("mysql_timeout", $"{where} did not answer within {step.TimeoutSeconds} s.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is SocketException or IOException)
        {
            return new StepResult.Failed("mysql_unavailable", $"{where} could not be reached: {ex.GetType().Name}.");
        }
    }

    /// <summary>Read-only by the database's own rules: the session's next transactions, and this one, are READ ONLY,
    /// and it is rolled back whatever the statement did.</summary>
    private static async Task<JsonObject> ReadOnlyAsync(MySqlConnection connection, MysqlStepConfig step, CancellationToken ct)
    {
        await using (var session = new MySqlCommand("SET SESSION TRANSACTION READ ONLY", connection))
            await session.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, isReadOnly: true, ct).ConfigureAwait(false);
        try
        {
            return await MysqlStatement.RunAsync(connection, tx, step, ct).ConfigureAwait(false);
        }
        finally
        {
            await RollbackAsync(tx).ConfigureAwait(false);
        }
    }

    /// <summary>A connection that broke mid-statement rolls back by itself; its failure is the one to report.</summary>
    private static async Task RollbackAsync(MySqlTransaction tx)
    {
        try
        {
            await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MySqlException or InvalidOperationException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The connection string, from the tenant's secret or the server's setting; or why the step fails.</summary>
    private async Task<(MySqlConnectionStringBuilder? Builder, StepResult.Failed? Refused)> ConnectionAsync(MysqlStepConfig step,
        StepExecutionContext context, CancellationToken ct)
    {
        MySqlConnectionStringBuilder builder;
        if (step.Connection is null)
        {
            builder = server.Builder ?? throw new StepConfigurationException(
                "mysql has no database: set config.connection to the name of a secret holding a connection string, or MYSQL_URL on the server.");
        }
        else
        {
            var text = await secrets.ResolveAsync(context.Tenant, step.Connection, ct).ConfigureAwait(false)
                ?? throw new StepConfigurationException($"The secret '{step.Connection}' does not exist.");
            var (parsed, problem) = MysqlConnectionStrings.Parse(text);
            builder = parsed ?? throw new StepConfigurationException($"The secret '{step.Connection}' does not hold a MySQL connection: {problem}.");
            // A tenant's database is reached under the outbound policy, as its http steps are: at the address checked.
            try
            {
                var host = builder.Server;
                var address = await context.Services.Http.AllowedAddressAsync(host, ct).ConfigureAwait(false);
                if (builder.SslMode is not (MySqlSslMode.VerifyFull))
                    builder.Server = address.ToString();
            }
            catch (OutboundHttpException refused)
            {
                return (null, new StepResult.Failed(refused.Code, refused.Message.Replace("outbound HTTP policy", "outbound policy", StringComparison.Ordinal), Retryable: false));
            }
            catch (SocketException)
            {
                return (null, new StepResult.Failed("mysql_unavailable", $"The host of the MySQL database of secret '{step.Connection}' could not be resolved."));
            }
        }
        builder.ConnectionTimeout = (uint)Math.Min(step.TimeoutSeconds, 15);
        builder.DefaultCommandTimeout = (uint)step.TimeoutSeconds;
        // A pooled connection comes back with its session reset: a read-only session never serves a write step.
        builder.ConnectionReset = true;
        builder.AllowUserVariables = false;
        builder.AllowLoadLocalInfile = false;
        return (builder, null);
    }

    private static string Summary(JsonObject result) => result["rows"] is JsonArray rows
        ? $"{rows.Count} rows{((bool?)result["truncated"] == true ? " (truncated at max_rows)" : "")}"
        : $"{result["affected_rows"]} rows affected";
}
