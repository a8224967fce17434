using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

public class VideoIndexTests
{
    [Fact]
    public void Constant_rate_index_maps_frames_and_times_both_ways()
    {
        var index = VideoIndex.ConstantRate(795, 0, 100);
        Assert.Equal(0, index.TimeOfMs(0));
        Assert.Equal(79400, index.TimeOfMs(794));
        Assert.Equal(79500, index.TimeOfMs(795)); // end of the last frame
        Assert.Equal(79500, index.EndMs);
        Assert.Equal(100, index.FrameAtOrAfter(10_000));
        Assert.Equal(101, index.FrameAtOrAfter(10_000.5));
        Assert.Equal(0, index.FrameAtOrAfter(-50));
        Assert.Equal(795, index.FrameAtOrAfter(1e9));
        Assert.Equal(37, index.FrameAt(3700.01));
        Assert.Equal(-1, index.FrameAt(3750));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.TimeOfMs(796));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.TimeOfMs(-1));
    }

    [Fact]
    public void Constant_rate_index_with_a_start_offset()
    {
        var index = VideoIndex.ConstantRate(270, 1000.0 / 23.976, 1000.0 / 23.976);
        Assert.Equal(0, index.FrameAtOrAfter(index.StartMs));
        Assert.Equal(10, index.FrameAt(index.TimeOfMs(10)));
    }

    [Fact]
    public void Recorded_index_keeps_irregular_timestamps_and_repairs_missing_ones()
    {
        // tree.avi-like irregular ticks, and a missing pts (0) on the last frame as FFmpeg reports it.
        var index = VideoIndex.FromTimestamps(new[] { 0, 733.3, 1133.3, 1600, 0 }, 66.667);
        Assert.True(index.HasRecordedTimestamps);
        Assert.Equal(5, index.FrameCount);
        Assert.Equal(1133.3, index.TimeOfMs(2));
        Assert.Equal(1600 + 66.667, index.TimeOfMs(4), 6);
        Assert.Equal(1600 + 2 * 66.667, index.EndMs, 6);
        Assert.Equal(2, index.FrameAtOrAfter(800));
        Assert.Equal(1, index.FrameAtOrAfter(733.3));
        Assert.Equal(3, index.FrameAt(1600));
        Assert.Equal(-1, index.FrameAt(900));
    }

    [Fact]
    public void Empty_index_has_no_frames()
    {
        var index = VideoIndex.FromTimestamps(Array.Empty<double>(), 40);
        Assert.Equal(0, index.FrameCount);
        Assert.Equal(0, index.FrameAtOrAfter(100));
    }
}
