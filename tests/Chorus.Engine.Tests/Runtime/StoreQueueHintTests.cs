using Chorus.Engine.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Engine.Tests.Runtime;

public sealed class StoreQueueHintTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(EngineHarness.Start);

    [Fact]
    public void Take_AtStart_ClaimsOnceThenNotAgain()
    {
        var hint = new StoreQueueHint(_time);

        Assert.True(hint.Take());
        Assert.False(hint.Take());
    }

    [Fact]
    public void WorkCommitted_DueNow_MakesTheNextTakeClaim()
    {
        var hint = Drained();

        hint.WorkCommitted(_time.GetUtcNow());

        Assert.True(hint.Take());
    }

    [Fact]
    public void WorkCommitted_DueLater_SleepsUntilItsDueTimeThenClaims()
    {
        var hint = Drained();

        hint.WorkCommitted(_time.GetUtcNow().AddSeconds(3));

        Assert.False(hint.Take());
        Assert.Equal(TimeSpan.FromSeconds(3), hint.SleepBefore(Interval));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(hint.Take());
    }

    [Fact]
    public void SleepBefore_NothingKnown_SleepsThePollInterval()
    {
        var hint = Drained();

        Assert.Equal(Interval, hint.SleepBefore(Interval));
    }

    [Fact]
    public void SleepBefore_WorkMayBeThere_DoesNotSleep()
    {
        var hint = Drained();

        hint.Suspect();

        Assert.Equal(TimeSpan.Zero, hint.SleepBefore(Interval));
    }

    [Fact]
    public void Learn_KeepsTheEarlierOfKnownAndLearnedDueTimes()
    {
        var hint = Drained();
        hint.WorkCommitted(_time.GetUtcNow().AddSeconds(2));

        hint.Learn(_time.GetUtcNow().AddSeconds(5));

        Assert.True(hint.NextDueKnown);
        Assert.Equal(TimeSpan.FromSeconds(2), hint.SleepBefore(Interval));
    }

    [Fact]
    public void ClaimFoundNothing_ForgetsTheNextDueTime()
    {
        var hint = Drained();
        hint.Learn(null);

        hint.ClaimFoundNothing();

        Assert.False(hint.NextDueKnown);
    }

    private StoreQueueHint Drained()
    {
        var hint = new StoreQueueHint(_time);
        hint.Take();
        return hint;
    }
}
