using NetArchTest.Rules;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests;

/// <summary>
/// The dependency direction of VideoDetect.Core, checked on the compiled assembly (NetArchTest reads
/// its IL, so a fully qualified name counts as much as a using). Data flows one way through Core: a
/// folder uses only folders upstream of it in the stream (Video → Batching → Inference → Tracking →
/// Events, Results, Export); Errors and Portable are leaves every folder may use. The allowed sets
/// below are the table "Core folders and who may use whom" (docs/architecture.md) reconciled with the
/// README's layout and with the code: Events also uses Video (VideoPosition), which is upstream of
/// everything. One case per folder, so a failure names the folder and the types that break the rule.
/// </summary>
public class ArchitectureTests
{
    private const string Root = "VideoDetect.";

    /// <summary>Every Core folder (namespace below VideoDetect.) and the folders it may use besides itself.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> MayUse = new Dictionary<string, string[]>
    {
        ["Errors"] = Array.Empty<string>(),
        ["Portable"] = new[] { "Errors" },
        ["Video"] = new[] { "Errors", "Portable" },
        ["Batching"] = new[] { "Errors", "Portable", "Video" },
        ["Inference"] = new[] { "Errors", "Portable", "Video", "Batching" },
        ["Tracking"] = new[] { "Errors", "Portable", "Video", "Inference" },
        ["Events"] = new[] { "Errors", "Portable", "Video", "Inference", "Tracking" },
        ["Results"] = new[] { "Errors", "Portable", "Video", "Inference" },
        ["Export"] = new[] { "Errors", "Portable", "Video", "Inference", "Results", "Events" },
        // The morning review (snapshots, clips, the events database, counts, the report): reads everything upstream.
        ["Review"] = new[] { "Errors", "Portable", "Video", "Batching", "Inference", "Tracking", "Events", "Results", "Export" },
        // Events sent as they happen (Send-DetectionEvent): the event types and the JSON payload.
        ["Notify"] = new[] { "Errors", "Portable", "Video", "Inference", "Tracking", "Events" },
    };

    public static TheoryData<string> Folders() => new(MayUse.Keys);

    private static readonly System.Reflection.Assembly Core = typeof(VideoClip).Assembly;

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_Core_folder_uses_only_folders_upstream_of_it(string folder)
    {
        string[] forbidden = MayUse.Keys.Where(f => f != folder && !MayUse[folder].Contains(f)).Select(f => Root + f).ToArray();
        var result = Types.InAssembly(Core).That().ResideInNamespace(Root + folder)
            .ShouldNot().HaveDependencyOnAny(forbidden)
            .GetResult();
        Assert.True(result.IsSuccessful,
            $"{folder}/ may use only {string.Join(", ", MayUse[folder].DefaultIfEmpty("nothing else"))}, but these of its types use one of {string.Join(", ", forbidden)}: "
            + string.Join(", ", result.FailingTypeNames ?? Array.Empty<string>()));
    }

    [Fact]
    public void Every_Core_namespace_is_a_folder_of_the_table()
    {
        // A new folder must take its place in the table, or it would escape the rule above.
        var unknown = Core.GetTypes().Select(t => t.Namespace).OfType<string>().Distinct()
            .Where(ns => ns.StartsWith(Root, StringComparison.Ordinal) && !MayUse.Keys.Any(f => ns == Root + f || ns.StartsWith(Root + f + ".", StringComparison.Ordinal)))
            .ToList();
        Assert.True(unknown.Count == 0, "Namespaces not in ArchitectureTests.MayUse: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Core_does_not_reference_PowerShell()
    {
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        var result = Types.InAssembly(Core).ShouldNot().HaveDependencyOn("System.Management.Automation").GetResult();
        Assert.True(result.IsSuccessful, "Core types that use PowerShell: " + string.Join(", ", result.FailingTypeNames ?? Array.Empty<string>()));
    }
}
