using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>Get-DetectionStore over a store of segment files: one entry per segment, with its stamp and its own state.</summary>
public class SegmentStoreTests
{
    private const string Url = "http://127.0.0.1:9/cam";

    [Theory]
    [InlineData("127.0.0.1_9_cam.20261205T132000.detections.jsonl", "20261205T132000")]
    [InlineData("127.0.0.1_9_cam.t0001500.detections.jsonl.partial", "t0001500")]
    [InlineData("127.0.0.1_9_cam.detections.jsonl", null)]            // the source's one whole file
    [InlineData("127.0.0.1_9_cam.backup.detections.jsonl", null)]     // not a stamp
    [InlineData("other.20261205T132000.detections.jsonl", null)]      // another source's
    public void A_segment_file_gives_back_its_stamp(string name, string? stamp) =>
        Assert.Equal(stamp, SegmentedExport.StampOf(name, Url, ".detections.jsonl"));

    private sealed class Host : ISinkHost
    {
        public bool Confirm(string sourcePath, string target) => true;
        public void Opened(ISourceOutput output) { }
        public void Added(FrameDetections frame, ISourceOutput output) { }
        public void SourceEnded() { }
        public void Committed(ISourceResult result) { }
        public void Failed(VideoDetectException error, object? about) => throw error;
    }

    [Fact]
    public void A_live_run_stopped_mid_segment_lists_its_finished_segments_Done_and_the_cut_one_Partial_in_time_order()
    {
        using var dir = new TempDir();
        var start = new DateTimeOffset(2026, 12, 5, 13, 20, 0, TimeSpan.Zero);
        var options = new FrameDetectionExportOptions();
        var sink = new SegmentedExport(new FrameDetectionExport(options), options, TimeSpan.FromSeconds(1));
        var driver = new SourceSinkDriver(sink, new OutputClaims(OutputLocation.ForDirectory(dir.Path), force: false), new Host());
        // 10 fps, clips of 2 frames: segments 0 and 1 finish, segment 2 is cut after frame 25 (clips up to frame 25 appended).
        for (int i = 0; i < 27; i++)
            driver.Push(new FrameDetections { Path = Url, ClipIndex = i / 2, FrameIndex = i, Timestamp = TimeSpan.FromSeconds(i / 10.0), RecordingStart = start, SourceWidth = 16, SourceHeight = 12 });
        driver.Dispose(); // stopped: the open segment is abandoned
        var entries = StoreSummary.Of(dir.Path).ToList();
        Assert.Equal(new[] { "20261205T132000", "20261205T132001", "20261205T132002" }, entries.Select(e => e.Segment));
        Assert.All(entries, e => Assert.Equal(Url, e.Source));
        Assert.Equal(new[] { StoreState.Done, StoreState.Done, StoreState.Partial }, entries.Select(e => e.State));
        Assert.Equal(25, entries[2].LastFrame);
        Assert.Contains("live segment cut short", entries[2].Reason);
    }
}
