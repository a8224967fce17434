using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Results;

public class StoreSummaryTests
{
    private static readonly DetectionRun Run = new()
    {
        ModelPath = "/models/m.onnx", ModelSize = 1, ModelSha256 = "ab", Family = "YOLOX", Labels = new[] { "person" },
        Parameters = new DetectionParameters { Confidence = 0.3f, IouThreshold = 0.45f, MaxDetections = 300, FrameStride = 1, Preprocess = new PreprocessOptions { Width = 64, Height = 64 } },
    };

    private static List<FrameDetections> Frames(string path, int from, int to) => Enumerable.Range(from, to - from).Select(i => new FrameDetections
    {
        Path = path, ClipIndex = i / 4, FrameIndex = i, Timestamp = TimeSpan.FromMilliseconds(40 * i), SourceWidth = 320, SourceHeight = 240, Run = Run,
        Detections = Array.Empty<Detection>(),
    }).ToList();

    private static ResultHeader HeaderOf(string source, string? root = null)
    {
        var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
        return ResultHeader.For(SourceIdentity.Of(source, root), probed.Info, probed.Index.FrameCount, Run, "1.0", DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void Reports_done_running_partial_failed_and_pending_per_source()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        Directory.CreateDirectory(store);
        var src = new[] { "done", "running", "partial", "failed", "pending" }.Select(n => dir.File(n + ".avi")).ToArray();
        foreach (string s in src) SyntheticVideo.Write(s, 12, "MJPG", 25);
        string Target(string s) => Path.Combine(store, OutputLocation.NameFor(s, ResultFiles.Suffix(ResultFormat.JsonLines)));

        using (var w = ResultFileWriter.Open(Target(src[0]), ResultFormat.JsonLines, HeaderOf(src[0]), force: false)) { w.AppendClip(Frames(src[0], 0, 12)); w.Commit(); }
        using var running = ResultFileWriter.Open(Target(src[1]), ResultFormat.JsonLines, HeaderOf(src[1]), force: false);
        running.AppendClip(Frames(src[1], 0, 4));
        using (var w = ResultFileWriter.Open(Target(src[2]), ResultFormat.JsonLines, HeaderOf(src[2]), force: false)) { w.AppendClip(Frames(src[2], 0, 4)); w.AppendClip(Frames(src[2], 4, 8)); }
        File.WriteAllText(PendingFile.PartialPathOf(Target(src[3])), "not a header\n");

        var bySource = StoreSummary.Of(store, src, null).ToDictionary(e => Path.GetFileNameWithoutExtension(e.Source));
        Assert.Equal(StoreState.Done, bySource["done"].State);
        Assert.Equal(12, bySource["done"].FrameCount);
        Assert.Equal(StoreState.Running, bySource["running"].State);
        Assert.Equal(StoreState.Partial, bySource["partial"].State);
        Assert.Equal((1, 7L), (bySource["partial"].LastClip, bySource["partial"].LastFrame));
        Assert.Equal(StoreState.Failed, bySource["failed"].State);
        Assert.Equal(StoreState.Pending, bySource["pending"].State);

        // From the store alone: the four videos it holds files for, named by their headers.
        var held = StoreSummary.Of(store).ToList();
        Assert.Equal(new[] { StoreState.Done, StoreState.Failed, StoreState.Partial, StoreState.Running }, held.Select(e => e.State));
        Assert.Equal(src[0], held[0].Source);

        // The claim is the writer's lock: gone when the writer is (a crash drops it too), and the partial file is resumable.
        Assert.Equal(StoredState.InUse, ResultStore.Inspect(store, SourceIdentity.Of(src[1])).State);
        running.Dispose();
        Assert.False(ResultStore.IsClaimed(PendingFile.PartialPathOf(Target(src[1]))));
        Assert.Equal(StoredState.Partial, ResultStore.Inspect(store, SourceIdentity.Of(src[1])).State);
    }

    [Fact]
    public void With_a_root_a_store_written_on_one_mount_is_done_on_another()
    {
        using var dir = new TempDir();
        string rootA = dir.File("a"), store = dir.File("store");
        Directory.CreateDirectory(Path.Combine(rootA, "site"));
        Directory.CreateDirectory(store);
        string source = Path.Combine(rootA, "site", "cam.avi");
        SyntheticVideo.Write(source, 8, "MJPG", 25);
        string rootB = dir.File("b");
        Directory.CreateSymbolicLink(rootB, rootA);
        string target = Path.Combine(store, "cam.detections.jsonl");
        using (var w = ResultFileWriter.Open(target, ResultFormat.JsonLines, HeaderOf(source, rootA), force: false)) { w.AppendClip(Frames(source, 0, 8)); w.Commit(); }

        string there = Path.Combine(rootB, "site", "cam.avi");
        Assert.Equal("site/cam.avi", SourceIdentity.Of(there, rootB).Path);
        Assert.Equal(StoredState.Complete, ResultStore.Inspect(store, SourceIdentity.Of(there, rootB)).State);
        Assert.Equal(StoredState.Changed, ResultStore.Inspect(store, SourceIdentity.Of(there)).State); // without the root the full paths differ
        Assert.Equal(StoreState.Done, StoreSummary.Of(store, new[] { there }, rootB).Single().State);
    }
}
