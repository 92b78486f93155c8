using Chorus.Engine.Hosting;
using Chorus.Engine.Storage;

namespace Chorus.Server.Collections;

/// <summary>The saveRecords and fetchData steps for a Chorus server, over its store's collections.</summary>
public static class CollectionRegistration
{
    public static ChorusBuilder AddCollections(this ChorusBuilder chorus, CollectionSettings settings, ICollectionStore store) =>
        chorus.ConfigureSteps(steps =>
        {
            steps.Register(new SaveRecordsStep(store, settings));
            steps.Register(new FetchDataStep(store));
        });
}
