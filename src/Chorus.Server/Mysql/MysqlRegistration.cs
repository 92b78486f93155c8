using Chorus.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chorus.Server.Mysql;

/// <summary>The <c>mysql</c> step for a Chorus server, with MYSQL_URL as its default database.</summary>
public static class MysqlRegistration
{
    /// <summary>Adds the <c>mysql</c> step type. Workflows using it save even where the server has no MYSQL_URL (a step may
    /// name its tenant's own connection); a step with neither fails without retries, saying so. The handler is made by
    /// the container: it reads connection strings through the server's secrets.</summary>
    public static ChorusBuilder AddMysql(this ChorusBuilder chorus, MysqlSettings settings)
    {
        chorus.Services.TryAddSingleton(settings);
        return chorus.AddStep<MysqlStep>();
    }
}
