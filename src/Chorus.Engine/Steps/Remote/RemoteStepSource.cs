namespace Chorus.Engine.Steps.Remote;

/// <summary>What the step registry needs of the steps services: their catalogs and the runner of their steps.</summary>
internal sealed record RemoteStepSource(RemoteStepCatalog Catalog, RemoteStepRunner Runner);
