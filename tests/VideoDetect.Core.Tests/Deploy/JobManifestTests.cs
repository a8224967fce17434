using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace VideoDetect.Tests.Deploy;

/// <summary>
/// deploy/k8s: there is no cluster here, so the indexed Job is checked for what the entry script
/// needs: it parses, is Indexed with completions = VIDEODETECT_SHARDS, mounts the footage and the
/// results where the env says, and names only variables run-shard.ps1 reads (the script itself is run
/// with JOB_COMPLETION_INDEX by tests/Pester/ShardedStore.Tests.ps1).
/// </summary>
public class JobManifestTests
{
    private static readonly string K8s = Locate();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "deploy", "k8s");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("deploy/k8s not found above " + AppContext.BaseDirectory);
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(K8s, "job.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int i ? ((YamlSequenceNode)node).Children[i] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)step)];
        return node;
    }

    private static string Scalar(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void The_job_is_indexed_with_one_completion_per_shard_and_the_volumes_the_script_reads()
    {
        var job = Load();
        Assert.Equal("batch/v1", Scalar(job, "apiVersion"));
        Assert.Equal("Job", Scalar(job, "kind"));
        Assert.Equal("Indexed", Scalar(job, "spec", "completionMode"));
        int completions = int.Parse(Scalar(job, "spec", "completions"));
        Assert.InRange(int.Parse(Scalar(job, "spec", "parallelism")), 1, completions);

        var container = At(job, "spec", "template", "spec", "containers", 0);
        var env = ((YamlSequenceNode)At(container, "env")).Children
            .ToDictionary(e => Scalar(e, "name"), e => Scalar(e, "value"));
        Assert.Equal(completions.ToString(), env["VIDEODETECT_SHARDS"]);

        var mounts = ((YamlSequenceNode)At(container, "volumeMounts")).Children.ToDictionary(m => Scalar(m, "mountPath"), m => Scalar(m, "name"));
        var volumes = ((YamlSequenceNode)At(job, "spec", "template", "spec", "volumes")).Children.Select(v => Scalar(v, "name")).ToHashSet();
        Assert.True(mounts.ContainsKey(env["VIDEODETECT_FOOTAGE"]), "the footage is mounted where VIDEODETECT_FOOTAGE points");
        Assert.True(mounts.ContainsKey(env["VIDEODETECT_STORE"]), "the results are mounted where VIDEODETECT_STORE points");
        Assert.NotEqual(mounts[env["VIDEODETECT_FOOTAGE"]], mounts[env["VIDEODETECT_STORE"]]);
        Assert.All(mounts.Values, name => Assert.Contains(name, volumes));

        // Every variable the manifest sets is one the entry script reads, and the shard index comes from Kubernetes.
        string script = File.ReadAllText(Path.Combine(K8s, "run-shard.ps1"));
        var read = Regex.Matches(script, @"\$env:(\w+)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("JOB_COMPLETION_INDEX", read);
        Assert.All(env.Keys, name => Assert.Contains(name, read));
        Assert.DoesNotContain("JOB_COMPLETION_INDEX", env.Keys); // set by Kubernetes, not by hand
    }

    [Fact]
    public void The_image_runs_the_entry_script_the_job_expects()
    {
        string dockerfile = File.ReadAllText(Path.Combine(K8s, "Dockerfile"));
        var entry = Regex.Match(dockerfile, @"^ENTRYPOINT \[(.*)\]\s*$", RegexOptions.Multiline);
        Assert.True(entry.Success, "the Dockerfile has an exec-form ENTRYPOINT");
        var copied = Regex.Match(dockerfile, @"^COPY deploy/k8s/run-shard\.ps1 (\S+)\s*$", RegexOptions.Multiline);
        Assert.True(copied.Success, "the entry script is copied into the image");
        Assert.Contains($"\"{copied.Groups[1].Value}\"", entry.Groups[1].Value);
        Assert.Matches(@"^COPY out/VideoDetect \S+/Modules/VideoDetect\s*$", dockerfile.Split('\n').Single(l => l.StartsWith("COPY out/")));
        Assert.Equal("videodetect:latest", Scalar(At(Load(), "spec", "template", "spec", "containers", 0), "image"));
    }
}
