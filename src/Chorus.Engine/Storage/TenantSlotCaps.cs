namespace Chorus.Engine.Storage;

/// <summary>The most slots each tenant may hold, for admission: <paramref name="Default"/> for every tenant but those
/// in <paramref name="Exceptions"/>, a JSON object of tenant id → cap (the form both stores' queries read).</summary>
public sealed record TenantSlotCaps(int Default, string Exceptions)
{
    public static TenantSlotCaps Uniform(int cap) => new(cap, "{}");

    /// <summary>The engine's own share these caps were computed from.</summary>
    internal int EngineShare { get; init; }
}
