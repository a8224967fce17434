using VideoDetect.Inference;
using VideoDetect.Results;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>Export-FrameDetection -Segment: which segment a frame falls in, and the segment file's name; a live stream's base name.</summary>
public class SegmentNameTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void A_frame_falls_in_the_segment_of_its_offset()
    {
        Assert.Equal(0, SegmentedExport.IndexOf(TimeSpan.Zero, Hour));
        Assert.Equal(0, SegmentedExport.IndexOf(Hour - TimeSpan.FromTicks(1), Hour));
        Assert.Equal(1, SegmentedExport.IndexOf(Hour, Hour));
        Assert.Equal(0, SegmentedExport.IndexOf(TimeSpan.FromSeconds(-0.1), Hour));
    }

    [Fact]
    public void A_segment_is_named_after_its_start_time_of_day_or_offset()
    {
        var start = new DateTimeOffset(2026, 12, 5, 13, 20, 0, TimeSpan.FromHours(1));
        var frame = new FrameDetections { Path = "rtsp://cam3/stream", Timestamp = TimeSpan.FromMinutes(95), RecordingStart = start };
        Assert.Equal("/s/cam3_stream.20261205T142000.detections.jsonl", SegmentedExport.PathFor("/s/cam3_stream.detections.jsonl", ".detections.jsonl", frame, Hour));
        var offsetOnly = frame with { RecordingStart = null, Timestamp = TimeSpan.FromHours(101.5) };
        Assert.Equal("/s/results.20261205T142000.jsonl", SegmentedExport.PathFor("/s/results.jsonl", ".detections.jsonl", frame, Hour));
        Assert.Equal("/s/cam1.t1013000.detections.csv", SegmentedExport.PathFor("/s/cam1.detections.csv", ".detections.csv", offsetOnly, TimeSpan.FromMinutes(30)));
    }

    [Theory]
    [InlineData("rtsp://ops:secret@cam3:554/live/main", "cam3_554_live_main.detections.jsonl")]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1_8080.detections.jsonl")]
    [InlineData("udp://239.0.0.1:1234?pkt_size=1316", "239.0.0.1_1234.detections.jsonl")]
    [InlineData("/footage/cam3.mp4", "cam3.detections.jsonl")]
    public void A_live_stream_is_named_by_host_port_and_path_without_credentials(string source, string name) =>
        Assert.Equal(name, OutputLocation.NameFor(source, ".detections.jsonl"));
}
