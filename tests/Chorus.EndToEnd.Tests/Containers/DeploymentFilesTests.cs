using YamlDotNet.RepresentationModel;

namespace Chorus.EndToEnd.Tests.Containers;

/// <summary>docker-compose.yml and deploy/kubernetes/ parse as YAML and wire what docs/deploy.md promises. No
/// cluster and no registry (for PostgreSQL, Prometheus and Grafana images) are reachable here, so these read the
/// files rather than run them; the Dockerfile they build is run for real by <see cref="DockerImageTests"/>.</summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = ContainerImages.RepositoryRoot();

    [Fact]
    public void Compose_RunsTheServerOnPostgresWithTheStepsServicePrometheusAndGrafana()
    {
        var services = (YamlMappingNode)Load(Path.Combine(Root, "docker-compose.yml"))[0]["services"];

        var chorus = (YamlMappingNode)services["chorus"];
        Assert.Equal("server", Text(chorus["build"]["target"]));
        Assert.Equal("steps-service", Text(services["steps-service"]["build"]["target"]));
        var env = (YamlMappingNode)chorus["environment"];
        Assert.StartsWith("postgres://", Text(env["DATABASE_URL"]), StringComparison.Ordinal);
        Assert.Contains("@postgres:5432/", Text(env["DATABASE_URL"]), StringComparison.Ordinal);
        Assert.Equal("http://steps-service:8001", Text(env["STEPS_SVC_URL"]));
        Assert.Contains("JWT_SECRET", Text(env["JWT_SECRET"]), StringComparison.Ordinal);
        Assert.Equal("service_healthy", Text(chorus["depends_on"]["postgres"]["condition"]));
        Assert.Contains("pg_isready", ((YamlSequenceNode)services["postgres"]["healthcheck"]["test"]).Select(Text));

        // Prometheus reads the repository's scrape config, which targets 127.0.0.1:8000: it must share the
        // server's network for that address to be the server.
        var prometheus = services["prometheus"];
        Assert.Equal("service:chorus", Text(prometheus["network_mode"]));
        AssertMountsExist(prometheus, "deploy/prometheus/prometheus.yml");
        Assert.Contains("127.0.0.1:8000", File.ReadAllText(Path.Combine(Root, "deploy", "prometheus", "prometheus.yml")), StringComparison.Ordinal);

        var grafana = services["grafana"];
        AssertMountsExist(grafana, "deploy/grafana/chorus.json");
        var datasource = Load(Path.Combine(Root, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml"))[0];
        Assert.Equal("http://chorus:9090", Text(datasource["datasources"][0]["url"]));
        Assert.Contains("9090:9090", ((YamlSequenceNode)chorus["ports"]).Select(Text));
    }

    [Fact]
    public void Kubernetes_DeploymentHasProbesANonRootSecurityContextAServiceAndADisruptionBudget()
    {
        var documents = Directory.GetFiles(Path.Combine(Root, "deploy", "kubernetes"), "*.yaml")
            .SelectMany(Load).ToList();
        YamlNode Find(string kind, string name) => documents.SingleOrDefault(d => Text(d["kind"]) == kind && Text(d["metadata"]["name"]) == name)
            ?? throw new Xunit.Sdk.XunitException($"deploy/kubernetes has no {kind} named {name}.");

        var deployment = Find("Deployment", "chorus");
        var labels = Labels(deployment["spec"]["selector"]["matchLabels"]);
        var pod = deployment["spec"]["template"]["spec"];
        Assert.Equal("true", Text(pod["securityContext"]["runAsNonRoot"]));
        Assert.NotEqual("0", Text(pod["securityContext"]["runAsUser"]));
        var container = pod["containers"][0];
        Assert.Equal("/health", Text(container["livenessProbe"]["httpGet"]["path"]));
        Assert.Equal("/health/ready", Text(container["readinessProbe"]["httpGet"]["path"]));
        Assert.Equal("false", Text(container["securityContext"]["allowPrivilegeEscalation"]));
        Assert.Equal("8000", Text(container["ports"][0]["containerPort"]));

        // The PostgreSQL URL and the keys come from the Secret, the rest from the ConfigMap.
        var sources = ((YamlSequenceNode)container["envFrom"]).ToList();
        Assert.Contains(sources, s => s is YamlMappingNode m && m.Children.ContainsKey("secretRef") && Text(s["secretRef"]["name"]) == "chorus");
        Assert.Contains(sources, s => s is YamlMappingNode m && m.Children.ContainsKey("configMapRef") && Text(s["configMapRef"]["name"]) == "chorus");
        var secret = (YamlMappingNode)Find("Secret", "chorus")["stringData"];
        Assert.StartsWith("postgres://", Text(secret["DATABASE_URL"]), StringComparison.Ordinal);
        Assert.True(secret.Children.ContainsKey("JWT_SECRET") && secret.Children.ContainsKey("SECRETS_KEY"));
        Find("ConfigMap", "chorus");

        Assert.Equal(labels, Labels(Find("Service", "chorus")["spec"]["selector"]));
        var budget = Find("PodDisruptionBudget", "chorus");
        Assert.Equal(labels, Labels(budget["spec"]["selector"]["matchLabels"]));
    }

    private static List<YamlNode> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode)];
    }

    private static string Labels(YamlNode node) =>
        string.Join(",", ((YamlMappingNode)node).Children.Select(c => $"{Text(c.Key)}={Text(c.Value)}").Order(StringComparer.Ordinal));

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    /// <summary>Every host path <paramref name="service"/> mounts exists in the repository, and one of them holds
    /// <paramref name="file"/>.</summary>
    private static void AssertMountsExist(YamlNode service, string file)
    {
        var hostPaths = ((YamlSequenceNode)service["volumes"]).Select(v => Text(v).Split(':')[0]).Where(p => p.StartsWith("./", StringComparison.Ordinal)).ToList();
        foreach (var path in hostPaths)
            Assert.True(Path.Exists(Path.Combine(Root, path)), $"{path} is mounted but does not exist.");
        Assert.Contains(hostPaths, p => file.StartsWith(p[2..], StringComparison.Ordinal));
    }
}
