using VideoDetect.Results;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>
/// Orphaned temporary files (<see cref="OrphanSweep"/>): a hidden pending file whose writer is gone
/// is removed; one a live writer holds survives, even while another process writes its bytes; files
/// not named as the module names its temporary files are never touched.
/// </summary>
public class OrphanSweepTests
{
    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> as an encoder does: another process
    /// opening the path, without a lock (on Windows: .NET here, which the claim's sharing admits too).
    /// </summary>
    private static void WriteAsAnEncoderDoes(string path, string text)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, text);
            return;
        }
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        foreach (string a in new[] { "-c", "printf %s \"$1\" > \"$2\"", "sh", text, path }) psi.ArgumentList.Add(a);
        using var sh = System.Diagnostics.Process.Start(psi)!;
        string error = sh.StandardError.ReadToEnd();
        sh.WaitForExit();
        Assert.True(sh.ExitCode == 0, error);
    }

    [Fact]
    public void A_hidden_file_is_created_and_claimed_at_once_and_its_claim_ends_with_the_commit()
    {
        using var dir = new TempDir();
        string target = dir.File("cam 1.annotated.mp4");
        using (var pending = PendingFile.Hidden(target))
        {
            Assert.True(File.Exists(pending.TempPath));
            Assert.True(PendingFile.IsHiddenName(Path.GetFileName(pending.TempPath)), pending.TempPath);
            Assert.False(OrphanSweep.RemoveIfAbandoned(pending.TempPath)); // claimed
            WriteAsAnEncoderDoes(pending.TempPath, "frames"); // an encoder writing through the path is not kept out
            File.AppendAllText(pending.TempPath, "+"); // nor a writer of this process (.NET takes a shared lock)
            pending.Commit(overwrite: false);
        }
        Assert.Equal("frames+", File.ReadAllText(target));
        Assert.Equal(new[] { "cam 1.annotated.mp4" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_live_writers_file_survives_a_sweep_and_an_abandoned_one_is_removed()
    {
        using var dir = new TempDir();
        using var live = PendingFile.Hidden(dir.File("a.annotated.mp4"));
        WriteAsAnEncoderDoes(live.TempPath, new string('x', 4096));
        // What a killed writer leaves: its hidden file, with nobody holding it.
        string orphan = dir.File(".b.annotated.0123abcd.tmp.mp4");
        File.WriteAllBytes(orphan, new byte[4096]);
        string orphanNoExtension = dir.File(".c.89abcdef.tmp");
        File.WriteAllText(orphanNoExtension, "x");

        var removed = OrphanSweep.Sweep(dir.Path);

        Assert.Equal(new[] { orphan, orphanNoExtension }.Order(), removed.Order());
        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(orphanNoExtension));
        Assert.True(File.Exists(live.TempPath));
        Assert.Equal(4096, new FileInfo(live.TempPath).Length);
    }

    [Fact]
    public void Files_not_named_as_the_module_names_its_temporary_files_are_untouched()
    {
        using var dir = new TempDir();
        string[] unrelated =
        {
            "cam.annotated.mp4", "cam.detections.jsonl", "cam.detections.jsonl.partial", "cam.detections.jsonl.partial.checkpoint",
            ".cam.annotated.0123abcG.tmp.mp4", ".cam.annotated.0123ABCD.tmp.mp4", ".cam.annotated.0123abc.tmp.mp4",
            "cam.annotated.0123abcd.tmp.mp4", ".cam.annotated.0123abcd.mp4", ".notes", ".0123abcd.tmp.mp4",
        };
        foreach (string name in unrelated) File.WriteAllText(dir.File(name), name);
        Directory.CreateDirectory(dir.File(".d.0123abcd.tmp.mp4")); // a folder named like one: not a file

        Assert.Empty(OrphanSweep.Sweep(dir.Path));

        foreach (string name in unrelated) Assert.Equal(name, File.ReadAllText(dir.File(name)));
        Assert.True(Directory.Exists(dir.File(".d.0123abcd.tmp.mp4")));
    }

    [Fact]
    public void A_folder_that_is_missing_or_refuses_files_is_no_error()
    {
        using var dir = new TempDir();
        Assert.Empty(OrphanSweep.Sweep(dir.File("missing")));
        using var pending = PendingFile.Hidden(dir.File("missing/x.mp4")); // the writer that opens the path reports it
        Assert.False(File.Exists(pending.TempPath));
        Assert.False(OrphanSweep.RemoveIfAbandoned(pending.TempPath));
    }

    [Fact]
    public void An_abandoned_pending_file_is_deleted_and_its_claim_released()
    {
        using var dir = new TempDir();
        var pending = PendingFile.Hidden(dir.File("x.mp4"));
        WriteAsAnEncoderDoes(pending.TempPath, "half");
        pending.Dispose();
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
