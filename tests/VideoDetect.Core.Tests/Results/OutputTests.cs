using VideoDetect.Export;
using VideoDetect.Results;
using Xunit;

namespace VideoDetect.Tests.Results;

public class OutputTests
{
    [Fact]
    public void A_folder_names_one_file_per_source_and_a_file_is_the_one_target()
    {
        using var dir = new TempDir();
        var folder = OutputLocation.ForDirectory(dir.File("out"));
        Assert.Equal(dir.File("out/cam 1 [a].annotated.mp4"), folder.TargetFor("/videos/cam 1 [a].avi", ".annotated.mp4"));
        Assert.Equal(dir.File("out/cam1.detections.jsonl"), folder.TargetFor("/v/cam1.mp4", ".detections.jsonl"));
        var file = OutputLocation.ForFile(dir.File("one.mp4"), Encoders.ExtensionProblem);
        Assert.Equal(dir.File("one.mp4"), file.TargetFor("/v/cam1.mp4", ".annotated.mp4"));
        Assert.False(Directory.Exists(dir.File("out")));
        folder.EnsureDirectory();
        Assert.True(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Paths_a_writer_cannot_use_are_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("f"), "");
        Assert.Throws<InvalidOutputPathException>(() => OutputLocation.ForDirectory(dir.File("f")));
        Assert.Throws<InvalidOutputPathException>(() => OutputLocation.ForFile(dir.Path));
        Assert.Throws<InvalidOutputPathException>(() => OutputLocation.ForFile(dir.File("no/such/x.mp4")));
        var bad = Assert.Throws<InvalidOutputPathException>(() => OutputLocation.ForFile(dir.File("x.txt"), Encoders.ExtensionProblem));
        Assert.Contains(".mkv", bad.Message);
        OutputLocation.ForFile(dir.File("x.txt"));   // no extension rule: any name
    }

    [Fact]
    public void Each_target_is_claimed_once_and_an_existing_one_needs_force()
    {
        using var dir = new TempDir();
        var claims = new OutputClaims(OutputLocation.ForDirectory(dir.Path), force: false);
        Assert.Equal(dir.File("a.x"), claims.Claim("/1/a.avi", ".x"));
        var twice = Assert.Throws<OutputPathConflictException>(() => claims.Claim("/2/a.mp4", ".x"));
        Assert.Equal("/2/a.mp4", twice.SourcePath);
        File.WriteAllText(dir.File("b.x"), "keep");
        Assert.Throws<OutputExistsException>(() => claims.Claim("/1/b.avi", ".x"));
        Assert.Throws<OutputPathConflictException>(() => claims.Claim("/1/b.avi", ".x"));  // the claim held
        Assert.Equal(dir.File("c.x"), new OutputClaims(OutputLocation.ForDirectory(dir.Path), force: true).Claim("/c.avi", ".x"));
        File.WriteAllText(dir.File("c.x"), "");
        Assert.Equal(dir.File("c.x"), new OutputClaims(OutputLocation.ForDirectory(dir.Path), force: true).Claim("/c.avi", ".x"));
        Assert.Equal(dir.File("c.x"), claims.Claim("/c.avi", ".x", mayExist: true));
    }

    [Fact]
    public void A_pending_file_appears_only_on_commit_and_a_hidden_one_is_deleted_when_abandoned()
    {
        using var dir = new TempDir();
        string target = dir.File("v.mp4");
        string temp;
        using (var pending = PendingFile.Hidden(target))
        {
            temp = pending.TempPath;
            Assert.StartsWith(".v.", Path.GetFileName(temp));
            Assert.EndsWith(".tmp.mp4", temp);
            File.WriteAllText(temp, "half");
        }
        Assert.Empty(Directory.GetFiles(dir.Path));

        File.WriteAllText(target, "old");
        using (var pending = PendingFile.Hidden(target))
        {
            File.WriteAllText(pending.TempPath, "new");
            Assert.Throws<IOException>(() => pending.Commit(overwrite: false));
            Assert.Equal("old", File.ReadAllText(target));
            pending.Commit(overwrite: true);
        }
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_partial_file_has_a_fixed_name_and_is_kept_when_abandoned()
    {
        using var dir = new TempDir();
        string target = dir.File("v.detections.jsonl");
        using (var pending = PendingFile.Partial(target))
        {
            Assert.Equal(target + ".partial", pending.TempPath);
            File.WriteAllText(pending.TempPath, "clip 0");
        }
        Assert.Equal("clip 0", File.ReadAllText(target + ".partial"));
        using (var pending = PendingFile.Partial(target)) pending.Commit(overwrite: false);
        Assert.Equal(new[] { target }, Directory.GetFiles(dir.Path));
    }
    [Fact]
    public void The_writability_probe_runs_once_per_folder_and_is_named_as_a_temporary_file_the_sweep_removes()
    {
        using var dir = new TempDir();
        var folder = OutputLocation.ForDirectory(dir.File("out"));
        foreach (string source in new[] { "/v/a.avi", "/v/b.avi", "/v/c.avi" }) folder.CheckWritable(folder.TargetFor(source, ".annotated.mp4"));
        Assert.Equal(1, folder.ProbedFolders);
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("out")));   // nothing left behind
        // A second run probes again (a folder may have become unwritable since).
        var next = OutputLocation.ForDirectory(dir.File("out"));
        next.CheckWritable(next.TargetFor("/v/a.avi", ".annotated.mp4"));
        Assert.Equal(1, next.ProbedFolders);

        // Its name: hidden, one of the module's temporary names, no output's suffix; one a killed run left is swept.
        string probe = OutputLocation.ProbePathIn(dir.File("out"));
        string name = Path.GetFileName(probe);
        Assert.StartsWith(".", name);
        Assert.True(PendingFile.IsHiddenName(name));
        foreach (string suffix in new[] { ".annotated.mp4", ".detections.jsonl", ".detections.csv", ".json", PendingFile.PartialSuffix })
            Assert.False(name.EndsWith(suffix, StringComparison.Ordinal));
        File.WriteAllText(probe, "");
        Assert.Equal(new[] { probe }, OrphanSweep.Sweep(dir.File("out")));
        Assert.False(File.Exists(probe));
    }
}
