using System.Globalization;
using Chorus.Engine.Storage;

namespace Chorus.Server.Collections;

/// <summary>The caps on tenants' collections. The per-write caps are fixed; the totals are the operator's choice.</summary>
public sealed record CollectionSettings
{
    /// <summary>Records one saveRecords step writes at most.</summary>
    public const int MaxRecordsPerWrite = 1_000;

    /// <summary>The most one record may take as JSON text (64 KiB).</summary>
    public const int MaxRecordBytes = 64 * 1024;

    /// <summary>COLLECTION_MAX_RECORDS: records one collection holds at most (100,000).</summary>
    public long MaxRecordsPerCollection { get; init; } = 100_000;

    /// <summary>COLLECTION_MAX_COLLECTIONS: collections one tenant has at most (100).</summary>
    public int MaxCollectionsPerTenant { get; init; } = 100;

    public CollectionLimits Limits => new() { MaxRecordsPerCollection = MaxRecordsPerCollection, MaxCollectionsPerTenant = MaxCollectionsPerTenant };

    /// <summary>Reads the COLLECTION_* variables; a malformed one stops the server with a line naming it.</summary>
    public static CollectionSettings FromEnvironment(Func<string, string?> read)
    {
        var defaults = new CollectionSettings();
        return new CollectionSettings
        {
            MaxRecordsPerCollection = Whole(read, "COLLECTION_MAX_RECORDS", defaults.MaxRecordsPerCollection, 100_000_000),
            MaxCollectionsPerTenant = (int)Whole(read, "COLLECTION_MAX_COLLECTIONS", defaults.MaxCollectionsPerTenant, 100_000),
        };
    }

    private static long Whole(Func<string, string?> read, string name, long fallback, long max)
    {
        if (read(name) is not { Length: > 0 } text)
            return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 && value <= max
            ? value
            : throw new Hosting.OptionsException($"{name}: must be a whole number from 1 to {max:N0}, not '{text}'.");
    }
}
