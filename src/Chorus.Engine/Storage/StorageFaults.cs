namespace Chorus.Engine.Storage;

/// <summary>Why the store cannot take writes now. Each is a state of the machine, not of the request: the same
/// request succeeds once space returns or the database is writable again.</summary>
public enum StorageFault
{
    /// <summary>The disk (or the database's quota) is full.</summary>
    Full,
    /// <summary>The database is read-only (a read-only file or mount, a read-only PostgreSQL transaction).</summary>
    ReadOnly,
    /// <summary>The database cannot be reached or opened, or its I/O fails.</summary>
    Unavailable,
}

/// <summary>A store-neutral storage fault: the stores classify their drivers' errors into it (see
/// <see cref="IEngineStore.ClassifyFault"/>), so the engine and the API need no database driver to tell a full
/// disk from a bug. It is deliberately not a <see cref="ChorusException"/>: a step whose result could not be
/// saved has not failed, and must not be recorded as failed.</summary>
public sealed class StorageUnavailableException(StorageFault fault, Exception inner)
    : Exception(MessageOf(fault), inner)
{
    public StorageFault Fault { get; } = fault;

    /// <summary>The API's error code: storage_full or storage_unavailable.</summary>
    public string Code => Fault == StorageFault.Full ? ErrorCodes.StorageFull : ErrorCodes.StorageUnavailable;

    public static string MessageOf(StorageFault fault) => fault switch
    {
        StorageFault.Full => "The server's storage is full; nothing was changed. Try again later.",
        StorageFault.ReadOnly => "The server's storage is read-only; nothing was changed. Try again later.",
        _ => "The server's storage is unavailable; nothing was changed. Try again later.",
    };

    /// <summary><paramref name="ex"/> as a storage fault when the store says it is one, otherwise itself.</summary>
    public static Exception Translate(IEngineStore store, Exception ex) =>
        ex is StorageUnavailableException ? ex : store.ClassifyFault(ex) is { } fault ? new StorageUnavailableException(fault, ex) : ex;
}

/// <summary>The last storage fault seen, for readiness: set by any failed write, cleared only by a write that
/// succeeds (readiness probes one while a fault is recorded), so it lasts as long as the fault does.</summary>
public sealed class StorageHealth(TimeProvider time)
{
    private readonly Lock _lock = new();
    private (StorageFault Fault, DateTimeOffset Since)? _current;

    public (StorageFault Fault, DateTimeOffset Since)? Current
    {
        get
        {
            lock (_lock)
                return _current;
        }
    }

    public void Report(StorageFault fault)
    {
        lock (_lock)
            _current = (fault, _current?.Since ?? time.GetUtcNow());
    }

    internal void Clear()
    {
        lock (_lock)
            _current = null;
    }
}
