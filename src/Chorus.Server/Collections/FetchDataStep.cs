using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Server.Collections;

/// <summary>The <c>fetchData</c> step: reads one page of records from one of the tenant's collections, filtered by
/// field conditions and ordered by a field. Output <c>{records: [{id, data, created_at, updated_at}], count, total,
/// next_cursor}</c>; a collection never written to has no records.</summary>
internal sealed class FetchDataStep(ICollectionStore store) : IStepHandler
{
    public const string StepType = "fetchData";
    private static readonly string[] Fields = ["collection", .. RecordQueryJson.Fields];

    public string Type => StepType;

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var collection = SaveRecordsStep.CollectionOf(config);
        var (query, problems) = RecordQueryJson.Read(config, "config.", placeholdersAllowed: false);
        if (query is null)
            throw new StepConfigurationException(string.Join(" ", problems.Select(p => $"{p.Field}: {p.Message}")));
        try
        {
            var page = await store.QueryRecordsAsync(context.Tenant, collection, query, cancellationToken).ConfigureAwait(false);
            context.Log("info", $"fetchData read {page.Records.Count} of {page.Total} matching records from '{collection}'");
            return StepResult.Done(RecordQueryJson.Answer(query, page));
        }
        catch (DbException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new StepResult.Failed("collection_unavailable", $"The records of '{collection}' could not be read now: {ex.GetType().Name}.");
        }
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        foreach (var (name, _) in config)
            if (!Fields.Contains(name))
                yield return new($"config.{name}", $"Unknown field; a fetchData step takes {string.Join(", ", Fields)}.");
        if (!SaveRecordsStep.IsNameOrPlaceholder(config["collection"]))
            yield return new("config.collection", $"Required: the collection's name, {CollectionNames.Rule}.");
        foreach (var (field, message) in RecordQueryJson.Read(config, "config.", placeholdersAllowed: true).Problems)
            yield return new(field, message);
    }

    public StepDescription Describe() => CollectionStepSchemas.FetchData;
}
