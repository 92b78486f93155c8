namespace Chorus.StepsService.Steps;

/// <summary>The approving end of the demo.</summary>
internal sealed class ApproveUserStep(TimeProvider time) : FinalStatusStep(time)
{
    public override string Name => "approve_user";
    protected override string Status => "approved";
}
