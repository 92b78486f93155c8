using System.Diagnostics;

namespace Chorus.StepsService.Tests.Infrastructure;

/// <summary>Waits for a condition that another thread makes true, failing with a message when it never does.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > (limit ?? TimeSpan.FromSeconds(20)))
                Assert.Fail($"Still not true: {what}");
            await Task.Delay(10);
        }
    }
}
