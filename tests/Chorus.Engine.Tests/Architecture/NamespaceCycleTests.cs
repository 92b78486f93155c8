using Chorus.Engine.Runtime;

namespace Chorus.Engine.Tests.Architecture;

/// <summary>The engine's namespaces form layers: a namespace may use the ones below it but nothing that uses
/// it back, so each feature folder can be read (and changed) knowing only what lies beneath it.</summary>
public sealed class NamespaceCycleTests
{
    [Fact]
    public void The_engine_namespaces_have_no_cycles()
    {
        var graph = NamespaceGraph.Read(typeof(ChorusEngine).Assembly.Location, "Chorus.Engine");

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, "Namespace cycles in Chorus.Engine:\n" + string.Join("\n", cycles.Select(c =>
            string.Join(", ", c) + "\n" + string.Join("\n", graph.Edges
                .Where(e => c.Contains(e.Key.From) && c.Contains(e.Key.To))
                .Select(e => $"  {e.Key.From} -> {e.Key.To} ({e.Value})")))));
    }

    [Fact]
    public void The_graph_sees_uses_from_method_bodies_and_signatures()
    {
        var graph = NamespaceGraph.Read(typeof(ChorusEngine).Assembly.Location, "Chorus.Engine");

        Assert.Contains(("Chorus.Engine.Runtime", "Chorus.Engine.Storage"), graph.Edges.Keys);
        Assert.Contains(("Chorus.Engine.Runtime", "Chorus.Engine.Definitions"), graph.Edges.Keys);
    }
}
