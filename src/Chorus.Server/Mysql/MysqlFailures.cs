using Chorus.Engine.Steps;
using MySqlConnector;

namespace Chorus.Server.Mysql;

/// <summary>What a MySqlException means for the step: refusals that the same statement would meet again are not retried;
/// an unreachable, busy or interrupted server is.</summary>
internal static class MysqlFailures
{
    /// <param name="password">The connection's password: taken out of the server's message should it ever quote it.</param>
    public static StepResult.Failed? Of(MySqlException ex, string where, MysqlStepConfig step, string? password)
    {
        var reason = Brief(password is { Length: > 0 } ? ex.Message.Replace(password, "[secret]", StringComparison.Ordinal) : ex.Message);
        return ex.ErrorCode switch
        {
            MySqlErrorCode.CannotExecuteInReadOnlyTransaction => new("mysql_read_only",
                $"The statement writes, and this step does not allow writes (set allow_writes: true to let it): {reason}", Retryable: false),
            MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied or MySqlErrorCode.TableAccessDenied or MySqlErrorCode.ColumnAccessDenied => new("mysql_unauthorized", $"{where} refused the user: {reason}", Retryable: false),
            MySqlErrorCode.UnableToConnectToHost => new("mysql_unavailable", $"{where} could not be reached: {reason}"),
            MySqlErrorCode.CommandTimeoutExpired or MySqlErrorCode.QueryInterrupted =>
                new("mysql_timeout", $"{where} did not finish the statement within {step.TimeoutSeconds} s."),
            MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout => new("mysql_busy", $"{where} could not take the locks the statement needs: {reason}"),
            _ when ex.IsTransient => new("mysql_unavailable", $"{where} failed for now: {reason}"),
            _ => new("mysql_query_error", $"{where} refused the statement: {reason}", Retryable: false),
        };
    }

    private static string Brief(string message) => message.Length > 500 ? message[..500] + "…" : message;
}
