namespace Chorus.Engine;

/// <summary>The owner of every workflow, execution and record. Store methods take it explicitly so a
/// query that forgets the tenant does not compile.</summary>
public readonly record struct TenantId
{
    public static readonly TenantId Default = new("default");

    public TenantId(string value)
    {
        if (!IsValid(value))
            throw new ArgumentException($"'{value}' is not a valid tenant id.", nameof(value));
        Value = value;
    }

    public string Value { get; }

    /// <summary>Letters, digits, '-', '_' and '.', 1 to 64 characters: safe in logs, topics and file names.</summary>
    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 64 &&
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public override string ToString() => Value;
}
