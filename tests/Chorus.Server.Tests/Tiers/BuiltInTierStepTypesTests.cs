using System.Net;
using Chorus.Server.Tests.Infrastructure;
using Chorus.Server.Tiers;

namespace Chorus.Server.Tests.Tiers;

/// <summary>Every step type the server offers is placed in the built-in tiers on purpose: in the free tier's list, in
/// the professional tier's, or named enterprise-only. A step type added without that decision fails here.</summary>
public sealed class BuiltInTierStepTypesTests(FreeTierServer server) : IClassFixture<FreeTierServer>
{
    private async Task<List<string>> OfferedAsync()
    {
        var steps = (await server.Client.Get("/api/available-steps", ApiCalls.NewTenant())).Expect(HttpStatusCode.OK).Node("steps")!.AsArray();
        return steps.Where(s => (string?)s!["source"] != "remote").Select(s => (string)s!["type"]!).ToList();
    }

    [Fact]
    public async Task EveryStepTypeTheServerOffers_IsInTheProfessionalTier_OrNamedEnterpriseOnly()
    {
        var offered = await OfferedAsync();

        Assert.True(offered.Count >= 20, $"only {offered.Count} step types offered: {string.Join(", ", offered)}");
        var unplaced = offered.Where(t => !BuiltInTiers.Professional.Contains(t) && !BuiltInTiers.EnterpriseOnly.Contains(t)).ToList();
        Assert.True(unplaced.Count == 0, $"step types in no tier's decision: {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void EachTierAllowsWhatTheOneBelowDoes_AndEnterpriseOnlyTypesAreInNoLowerTier()
    {
        var free = BuiltInTiers.All["free"].StepTypes!;
        var professional = BuiltInTiers.All["professional"].StepTypes!;

        Assert.Subset(professional.ToHashSet(), free.ToHashSet());
        Assert.Null(BuiltInTiers.All["enterprise"].StepTypes);
        Assert.DoesNotContain(BuiltInTiers.EnterpriseOnly, professional.Contains);
        Assert.Equal(BuiltInTiers.Professional.Count, BuiltInTiers.Professional.Distinct().Count());
        Assert.Contains("publish", professional);
        Assert.Contains("splitColumns", professional);
        Assert.Contains("subflow", professional);
        Assert.DoesNotContain("publish", free);
        Assert.DoesNotContain("code", professional);
        Assert.DoesNotContain("llm", professional);
        Assert.DoesNotContain("sendSMS", professional);
    }

    [Fact]
    public void TheReadmesTierTable_ListsTheStepTypesOfEachTier()
    {
        var readme = File.ReadAllText(ReadmePath());
        var row = readme.Split('\n').Single(l => l.StartsWith("| step types (`step_types`) |", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries)[2..5];
        static List<string> Names(string cell) =>
            cell[(cell.LastIndexOf('+') + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

        Assert.Equal(BuiltInTiers.Basic, Names(cells[0]));
        Assert.Equal(BuiltInTiers.Professional.Except(BuiltInTiers.Basic), Names(cells[1]));
        Assert.Equal(BuiltInTiers.EnterpriseOnly, Names(cells[2]));
    }

    private static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
                return Path.Combine(dir.FullName, "README.md");
        throw new InvalidOperationException("The repository (Chorus.slnx) is not above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task AFreeTenant_SavingAPublishStep_IsRefused_NamingTheType()
    {
        var response = await server.Client.Post("/api/workflows", ApiCalls.NewTenant(), Definitions.Parse("""
            {"name": "p", "steps": [{"id": "p", "type": "publish", "config": {"secret": "rabbit", "routing_key": "orders", "body": {}}}]}
            """));

        response.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal("step_types", response.Str("error.details.limit"));
        Assert.Equal("publish", (string?)response.Node("error.details.not_allowed")![0]);
    }
}
