using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine;

/// <summary>Measures a JSON value against a size and a depth limit by writing it, as the store will, into a
/// writer that keeps no bytes: it counts them and stops as soon as a limit is passed, so measuring a huge value
/// costs no more than the limit and allocates nothing but one small buffer.</summary>
internal static class JsonBudget
{
    public enum Verdict { Fits, TooLarge, TooDeep }

    public readonly record struct Measure(Verdict Verdict, long Bytes)
    {
        public bool Fits => Verdict == Verdict.Fits;
    }

    /// <summary>Bytes of the value as compact UTF-8 JSON (null counts as "null").</summary>
    public static Measure Of(JsonNode? value, long maxBytes, int maxDepth)
    {
        var counter = new CountingWriter(maxBytes);
        // The writer refuses to open a container deeper than MaxDepth, before recursing into it.
        using var writer = new Utf8JsonWriter(counter, new JsonWriterOptions { MaxDepth = maxDepth, SkipValidation = true });
        try
        {
            if (value is null)
                writer.WriteNullValue();
            else
                value.WriteTo(writer);
            writer.Flush();
            return new Measure(Verdict.Fits, counter.Total);
        }
        catch (BudgetExceeded)
        {
            return new Measure(Verdict.TooLarge, counter.Total);
        }
        catch (InvalidOperationException) when (writer.CurrentDepth >= maxDepth)
        {
            return new Measure(Verdict.TooDeep, counter.Total);
        }
    }

    /// <summary>Whether the value nests at most <paramref name="maxDepth"/> containers (<c>{}</c> is depth 1).</summary>
    public static bool IsWithinDepth(JsonNode? value, int maxDepth) => Of(value, long.MaxValue, maxDepth).Verdict != Verdict.TooDeep;

    private sealed class BudgetExceeded : Exception;

    /// <summary>Hands out the same small buffer again and again, counting what is written into it.</summary>
    private sealed class CountingWriter(long maxBytes) : IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[4096];

        public long Total { get; private set; }

        public void Advance(int count)
        {
            var wasWithin = Total <= maxBytes;
            Total += count;
            // Once: the writer flushes again when it is disposed, after the measurement has stopped.
            if (wasWithin && Total > maxBytes)
                throw new BudgetExceeded();
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Buffer(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Buffer(sizeHint);

        private byte[] Buffer(int sizeHint)
        {
            if (sizeHint > _buffer.Length)
                _buffer = new byte[sizeHint];
            return _buffer;
        }
    }
}
