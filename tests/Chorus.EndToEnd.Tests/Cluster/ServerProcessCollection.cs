namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>Tests that start real server processes run one class at a time: on a two-core machine, crash and
/// cluster tests running side by side would starve each other's processes and make their timing bounds flaky.</summary>
[CollectionDefinition(Name)]
public sealed class ServerProcessCollection
{
    public const string Name = "Server processes";
}
