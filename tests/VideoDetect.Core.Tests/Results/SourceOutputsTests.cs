using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>
/// The store covers every output: the driver records each sink's outputs per source
/// (<see cref="SourceOutputs"/>), and the store summary shows each output's state
/// (<see cref="StoreOutputs"/>): a video whose annotated copy was interrupted is not Done.
/// </summary>
public class SourceOutputsTests
{
    /// <summary>A sink of kind "Copy": one file per source, the frame indices; fails a source named fail.avi at its commit.</summary>
    private sealed class CopySink : ISourceSink
    {
        public string OutputKind => "Copy";
        public string Claim(OutputClaims claims, string sourcePath) => claims.Claim(sourcePath, ".copy.txt");
        public ISourceOutput Open(SinkTarget target, FrameDetections first)
        {
            target.Location.EnsureDirectory();
            return new Output(target);
        }

        private sealed class Output(SinkTarget target) : ISourceOutput
        {
            private readonly List<long> _frames = new();
            public string SourcePath => target.SourcePath;
            public bool Completed => true;
            public bool Add(FrameDetections frame) { _frames.Add(frame.FrameIndex); return true; }
            public bool Seal() => _frames.Count > 0;
            public ISourceResult Commit()
            {
                if (Path.GetFileName(SourcePath) == "fail.avi") throw new ResultWriteFailedException(target.Path, "disk full (test)");
                File.WriteAllLines(target.Path, _frames.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                return new Result(SourcePath, new FileInfo(target.Path));
            }
            public void Dispose() { }
        }
    }

    private sealed record Result(string SourcePath, FileInfo? File) : ISourceResult;

    private sealed class Host : ISinkHost
    {
        public List<string> Errors { get; } = new();
        public bool Confirm(string sourcePath, string target) => true;
        public void Opened(ISourceOutput output) { }
        public void Added(FrameDetections frame, ISourceOutput output) { }
        public void SourceEnded() { }
        public void Committed(ISourceResult result) { }
        public void Failed(VideoDetectException error, object? about) => Errors.Add(error.ErrorId);
    }

    private static FrameDetections Frame(string path, long index) => new() { Path = path, FrameIndex = index };

    [Fact]
    public void The_driver_records_started_done_and_failed_per_source_and_a_stop_leaves_started()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        string[] sources = { dir.File("a.avi"), dir.File("fail.avi"), dir.File("stopped.avi") };
        foreach (string s in sources) File.WriteAllText(s, "video");
        var host = new Host();
        using (var driver = new SourceSinkDriver(new CopySink(), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host, outputsStore: store))
        {
            foreach (string s in sources) { driver.Push(Frame(s, 0)); driver.Push(Frame(s, 1)); }
            // stopped.avi is still open: disposing the driver now is a stop (Ctrl+C, a kill) while it is written.
            Assert.Equal(RecordedOutput.Started, SourceOutputs.Read(SourceOutputs.PathFor(store, sources[2]))!.Outputs["Copy"].State);
        }
        Assert.Equal(new[] { ErrorIds.OutputWriteFailed }, host.Errors);
        var a = SourceOutputs.Read(dir.File("store/.outputs/a.json"))!.Outputs["Copy"];
        Assert.Equal((RecordedOutput.Done, dir.File("out/a.copy.txt"), 5L), (a.State, a.File, a.SourceSize));
        var failed = SourceOutputs.Read(dir.File("store/.outputs/fail.json"))!.Outputs["Copy"];
        Assert.Equal(RecordedOutput.Failed, failed.State);
        Assert.Contains("disk full", failed.Reason);
        Assert.Equal(RecordedOutput.Started, SourceOutputs.Read(dir.File("store/.outputs/stopped.json"))!.Outputs["Copy"].State);
        // Only the records, in the store's records folder, and no temporary files.
        Assert.Empty(Directory.GetFiles(store));
        Assert.Equal(new[] { "a.json", "fail.json", "stopped.json" }, Directory.GetFiles(dir.File("store/.outputs")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_source_replaced_while_its_output_is_written_is_recorded_as_the_version_it_was_begun_from()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        string source = dir.File("a.avi");
        File.WriteAllText(source, "video");
        File.SetLastWriteTimeUtc(source, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var begun = SourceIdentity.Of(source);
        using (var driver = new SourceSinkDriver(new CopySink(), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), new Host(), outputsStore: store))
        {
            driver.Push(Frame(source, 0));
            // A recorder replaces the file while its output is written.
            File.WriteAllText(source, "a longer video");
            driver.Push(Frame(source, 1));
            driver.Complete();
        }
        var recorded = SourceOutputs.Read(SourceOutputs.PathFor(store, source))!.Outputs["Copy"];
        Assert.Equal((RecordedOutput.Done, begun.Size, begun.LastWriteTimeUtc), (recorded.State, recorded.SourceSize, recorded.SourceLastWriteTimeUtc.ToUniversalTime()));
        // Detections made next from the new version: the copy is of another version, so it is made again.
        var now = SourceIdentity.Of(source);
        var header = new SourceHeader { Path = source, Size = now.Size, LastWriteTimeUtc = now.LastWriteTimeUtc };
        var state = StoreOutputs.StateOf("Copy", recorded, header);
        Assert.Equal(OutputState.Missing, state.State);
        Assert.Contains("another version", state.Reason);
        // Against the version it was begun from, it is Done.
        Assert.Equal(OutputState.Done, StoreOutputs.StateOf("Copy", recorded, new SourceHeader { Path = source, Size = begun.Size, LastWriteTimeUtc = begun.LastWriteTimeUtc }).State);
    }

    [Fact]
    public void A_record_a_killed_run_was_replacing_is_swept_by_the_next_and_never_read_as_a_record()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        string source = dir.File("a.avi");
        File.WriteAllText(source, "video");
        SourceOutputs.Record(store, source, SourceOutputs.For("Other", source, RecordedOutput.Done, "o")!);
        // What a kill while the record was replaced leaves: a whole, unclaimed temporary copy.
        string orphan = dir.File("store/.outputs/.a.0123abcd.tmp.json");
        File.Copy(SourceOutputs.PathFor(store, source), orphan);
        File.WriteAllText(orphan, File.ReadAllText(orphan).Replace("\"Other\"", "\"Ghost\""));
        Assert.Equal(new[] { "Other" }, StoreOutputs.Kinds(store, null).Kinds);
        using (var driver = new SourceSinkDriver(new CopySink(), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), new Host(), outputsStore: store))
        {
            driver.Push(Frame(source, 0));
            driver.Complete();
        }
        Assert.False(File.Exists(orphan));
        Assert.Equal(new[] { "a.json" }, Directory.GetFiles(dir.File("store/.outputs")).Select(Path.GetFileName));
    }

    [Fact]
    public void Without_an_outputs_store_nothing_is_recorded()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.avi"), "video");
        using (var driver = new SourceSinkDriver(new CopySink(), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), new Host()))
        {
            driver.Push(Frame(dir.File("a.avi"), 0));
            driver.Complete();
        }
        Assert.Equal(new[] { "a.copy.txt" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_record_of_one_kind_keeps_the_others()
    {
        using var dir = new TempDir();
        string source = dir.File("cam [1].avi");
        File.WriteAllText(source, "video");
        SourceOutputs.Record(dir.Path, source, SourceOutputs.For("Detections", source, RecordedOutput.Done, "d")!);
        SourceOutputs.Record(dir.Path, source, SourceOutputs.For("AnnotatedVideo", source, RecordedOutput.Started, "v")!);
        SourceOutputs.Record(dir.Path, source, SourceOutputs.For("AnnotatedVideo", source, RecordedOutput.Done, "v")!);
        var record = SourceOutputs.Read(dir.File(".outputs/cam [1].json"))!;
        Assert.Equal((RecordedOutput.Done, RecordedOutput.Done), (record.Outputs["Detections"].State, record.Outputs["AnnotatedVideo"].State));
        Assert.Null(SourceOutputs.Read(dir.File(".outputs/missing.json")));
        File.WriteAllText(dir.File(".outputs/bad.json"), "{ not json");
        Assert.Null(SourceOutputs.Read(dir.File(".outputs/bad.json")));
    }

    private static readonly DetectionRun Run = new()
    {
        ModelPath = "/models/m.onnx", ModelSize = 1, ModelSha256 = "ab", Family = "YOLOX", Labels = new[] { "person" },
        Parameters = new DetectionParameters { Confidence = 0.3f, IouThreshold = 0.45f, MaxDetections = 300, FrameStride = 1, Preprocess = new PreprocessOptions { Width = 64, Height = 64 } },
    };

    /// <summary>A finished result file of <paramref name="source"/> in <paramref name="store"/>, made with <paramref name="header"/> (the probe's by default).</summary>
    private static void Finish(string store, string source, Func<ResultHeader, ResultHeader>? change = null)
    {
        var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var header = ResultHeader.For(SourceIdentity.Of(source), probed.Info, probed.Index.FrameCount, Run, "1.0", DateTimeOffset.UnixEpoch);
        if (change is not null) header = change(header);
        var frames = Enumerable.Range(0, (int)probed.Index.FrameCount).Select(i => new FrameDetections
        {
            Path = source, ClipIndex = 0, FrameIndex = i, SourceWidth = 64, SourceHeight = 48, Run = Run, Detections = Array.Empty<Detection>(),
        }).ToList();
        using var w = ResultFileWriter.Open(Path.Combine(store, OutputLocation.NameFor(source, ResultFiles.Suffix(ResultFormat.JsonLines))), ResultFormat.JsonLines, header, force: false);
        w.AppendClip(frames);
        w.Commit();
    }

    [Fact]
    public void The_store_shows_each_outputs_state_and_a_video_missing_one_is_not_done()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        Directory.CreateDirectory(store);
        var names = new[] { "whole", "interrupted", "never", "deleted", "changed", "failed" };
        var src = names.ToDictionary(n => n, n => dir.File(n + ".avi"));
        foreach (string s in src.Values)
        {
            SyntheticVideo.Write(s, 6, "MJPG", 25);
            Finish(store, s);
        }
        string Annotated(string n) => dir.File(n + ".annotated.mp4");
        foreach (string n in new[] { "whole", "deleted", "changed" })
        {
            File.WriteAllText(Annotated(n), "mp4");
            SourceOutputs.Record(store, src[n], SourceOutputs.For("AnnotatedVideo", src[n], RecordedOutput.Done, Annotated(n))!);
        }
        SourceOutputs.Record(store, src["interrupted"], SourceOutputs.For("AnnotatedVideo", src["interrupted"], RecordedOutput.Started, Annotated("interrupted"))!);
        SourceOutputs.Record(store, src["failed"], SourceOutputs.For("AnnotatedVideo", src["failed"], RecordedOutput.Failed, null, "encoder died")!);
        File.Delete(Annotated("deleted"));
        var changed = SourceOutputs.Read(SourceOutputs.PathFor(store, src["changed"]))!;
        File.WriteAllText(SourceOutputs.PathFor(store, src["changed"]), System.Text.Json.JsonSerializer.Serialize(changed with
        {
            Outputs = new() { ["AnnotatedVideo"] = changed.Outputs["AnnotatedVideo"] with { SourceSize = 1 } },
        }, ResultHeader.Json));

        var entries = StoreSummary.Of(store).ToDictionary(e => Path.GetFileNameWithoutExtension(e.Source));
        OutputState Of(string n) => entries[n].Outputs.Single(o => o.Kind == "AnnotatedVideo").State;
        Assert.Equal(StoreState.Done, entries["whole"].State);
        Assert.Equal(new[] { "Detections: Done", "AnnotatedVideo: Done" }, entries["whole"].Outputs.Select(o => o.ToString()));
        Assert.Equal((StoreState.Incomplete, OutputState.Partial), (entries["interrupted"].State, Of("interrupted")));
        Assert.Contains("AnnotatedVideo: Partial", entries["interrupted"].Reason);
        // No record of it while other videos of the store have one: missing.
        Assert.Equal((StoreState.Incomplete, OutputState.Missing), (entries["never"].State, Of("never")));
        Assert.Equal((StoreState.Incomplete, OutputState.Missing), (entries["deleted"].State, Of("deleted")));
        Assert.Contains("gone", entries["deleted"].Reason);
        Assert.Equal((StoreState.Incomplete, OutputState.Missing), (entries["changed"].State, Of("changed")));
        Assert.Contains("another version", entries["changed"].Reason);
        Assert.Equal((StoreState.Incomplete, OutputState.Failed), (entries["failed"].State, Of("failed")));

        // With sources given, the same; an output kind no record names yet is missing when expected.
        var bySource = StoreSummary.Of(store, new[] { src["whole"] }, null, new[] { "Snapshots" }).Single();
        Assert.Equal(StoreState.Incomplete, bySource.State);
        Assert.Equal(new[] { "Detections: Done", "AnnotatedVideo: Done", "Snapshots: Missing" }, bySource.Outputs.Select(o => o.ToString()));
    }

    [Fact]
    public void A_store_without_outputs_records_is_as_before_and_a_truncated_source_is_truncated()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        Directory.CreateDirectory(store);
        string whole = dir.File("whole.avi"), cut = dir.File("cut.avi");
        SyntheticVideo.Write(whole, 6, "MJPG", 25);
        SyntheticVideo.Write(cut, 6, "MJPG", 25);
        Finish(store, whole);
        Finish(store, cut, h => h with { Source = h.Source with { ReportedFrameCount = 600, ReportedDuration = TimeSpan.FromSeconds(24), Truncated = true } });
        var entries = StoreSummary.Of(store).ToDictionary(e => Path.GetFileNameWithoutExtension(e.Source));
        Assert.Equal(StoreState.Done, entries["whole"].State);
        Assert.Null(entries["whole"].Reason);
        Assert.Equal(new[] { "Detections: Done" }, entries["whole"].Outputs.Select(o => o.ToString()));
        Assert.Equal(StoreState.Truncated, entries["cut"].State);
        Assert.Equal("6 of the 600 frames the container claims decode (0.2 s of 24.0 s)", entries["cut"].Reason);
        // Resume leaves a truncated file of the same bytes alone, and says so in its summary line.
        var stored = ResultStore.Inspect(store, SourceIdentity.Of(cut));
        Assert.Equal(StoredState.Complete, stored.State);
        var summary = new ResumeSummary();
        summary.Count("cut.avi", stored);
        summary.Count("whole.avi", ResultStore.Inspect(store, SourceIdentity.Of(whole)));
        Assert.Equal("skipped 2 finished videos (1 truncated: cut.avi: 6 of the 600 frames the container claims decode (0.2 s of 24.0 s)), 0 new", summary.ToString());
    }

    [Fact]
    public void A_longer_copy_of_a_truncated_recording_is_another_version_and_is_done_again()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        Directory.CreateDirectory(store);
        string source = dir.File("growing.avi");
        SyntheticVideo.Write(source, 6, "MJPG", 25);
        Finish(store, source);
        Assert.Equal(StoredState.Complete, ResultStore.Inspect(store, SourceIdentity.Of(source)).State);
        // The recorder writes on: same path, larger and newer.
        using (var f = new FileStream(source, FileMode.Append)) f.Write(new byte[4096]);
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddSeconds(5));
        var stored = ResultStore.Inspect(store, SourceIdentity.Of(source));
        Assert.Equal(StoredState.Changed, stored.State);
        Assert.False(ResumeSummary.LeavesAlone(stored));
        Assert.Equal(StoreState.Pending, StoreSummary.Of(store, new[] { source }, null).Single().State);
    }
}
