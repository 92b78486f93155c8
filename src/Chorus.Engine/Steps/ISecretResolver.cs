namespace Chorus.Engine.Steps;

/// <summary>Gives steps the <c>secrets</c> scope of their tenant: <c>{{ secrets.NAME }}</c> in a step's config is
/// filled with the value only while the step runs. The server registers one; an engine without it knows no
/// secrets, and a step that names one fails.</summary>
public interface ISecretResolver
{
    /// <summary>The plaintext value of the tenant's secret, or null when the tenant has none with this name.</summary>
    Task<string?> ResolveAsync(TenantId tenant, string name, CancellationToken ct);
}
