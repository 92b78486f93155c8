using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Chorus.Server.Hosting;

/// <summary>A connection's output as Kestrel writes it, passed through untouched, except for the one response
/// Kestrel writes after refusing a request: that one is held until its head is complete, and sent with the
/// error shape as its body instead of Kestrel's empty one. Kestrel's refusal is always the last response of its
/// connection (it closes it), and it has begun when <see cref="ShapeNextResponse"/> is called, so the bytes held
/// are exactly that response.</summary>
internal sealed class ShapingWriter(PipeWriter inner) : PipeWriter
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private ArrayBufferWriter<byte>? _held;
    private RejectionBodies.Rejection? _rejection;

    public void ShapeNextResponse(RejectionBodies.Rejection rejection)
    {
        _rejection = rejection;
        _held = new ArrayBufferWriter<byte>(512);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => _held is { } held ? held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _held is { } held ? held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

    public override void Advance(int bytes)
    {
        if (_held is { } held)
            held.Advance(bytes);
        else
            inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Release(complete: false);
        return inner.FlushAsync(cancellationToken);
    }

    public override void Complete(Exception? exception = null)
    {
        Release(complete: true);
        inner.Complete(exception);
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        Release(complete: true);
        await inner.CompleteAsync(exception).ConfigureAwait(false);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

    /// <summary>Sends what is held once the head is complete (or the connection ends), shaped when it is the
    /// empty answer to the refused request, unchanged otherwise.</summary>
    private void Release(bool complete)
    {
        if (_held is not { } held || _rejection is not { } rejection)
            return;
        var bytes = held.WrittenSpan;
        var end = bytes.IndexOf(EndOfHead);
        if (end < 0 && !complete)
            return;
        _held = null;
        _rejection = null;
        if (end >= 0 && Shape(bytes[..end], rejection) is { } head)
        {
            inner.Write(head);
            inner.Write(rejection.Body);
            inner.Write(bytes[(end + EndOfHead.Length)..]);
        }
        else
            inner.Write(bytes);
    }

    /// <summary>The head with a JSON body announced; null when it is not an empty error response (then nothing changes).</summary>
    private static byte[]? Shape(ReadOnlySpan<byte> head, RejectionBodies.Rejection rejection)
    {
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || lines[0].Length < 12 || lines[0][9] is not ('4' or '5'))
            return null;
        var emptyBody = lines.Skip(1).Any(l => l.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase));
        if (!emptyBody)
            return null;
        var shaped = new StringBuilder(head.Length + 128);
        shaped.Append(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
                continue;
            shaped.Append(line).Append("\r\n");
        }
        shaped.Append("Content-Type: application/json; charset=utf-8\r\n");
        shaped.Append("Content-Length: ").Append(rejection.Body.Length).Append("\r\n");
        shaped.Append("X-Request-ID: ").Append(rejection.RequestId).Append("\r\n\r\n");
        return Encoding.ASCII.GetBytes(shaped.ToString());
    }
}
