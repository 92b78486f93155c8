using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Files;

/// <summary>Payload offload: a step output larger than PAYLOAD_OFFLOAD_BYTES becomes a JSON file of the tenant's store,
/// linked to its execution and step (it goes when the execution goes), and the execution keeps
/// <c>{"$file": {"id", "name", "size", "content_type"}}</c> in its place. An output larger than FILES_MAX_BYTES stays
/// as it is, for STEP_OUTPUT_MAX_BYTES to judge.</summary>
internal sealed class PayloadOffload(TenantFiles files) : IPayloadOffload
{
    public long ThresholdBytes => files.Settings.OffloadBytes;

    public async Task<JsonNode?> OffloadAsync(StepOutput output, CancellationToken ct)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(output.Output.ToJsonString());
        if (bytes.LongLength > files.Settings.MaxBytes)
            return output.Output;
        var file = await files.SaveAsync(new NewFile
        {
            Tenant = output.Tenant,
            Name = $"{output.StepId}.output.json",
            ContentType = FileContentTypes.Json,
            Content = bytes,
            CreatedBy = TenantFiles.ExecutionAuthor,
            ExecutionId = output.ExecutionId,
            StepId = output.StepId,
        }, ct).ConfigureAwait(false);
        return FileReference.Of(file);
    }
}
