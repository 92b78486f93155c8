namespace Chorus.StepsService.Steps;

/// <summary>The rejecting end of the demo; config.reason is kept in the output.</summary>
internal sealed class RejectUserStep(TimeProvider time) : FinalStatusStep(time)
{
    public override string Name => "reject_user";
    protected override string Status => "rejected";
}
