using VideoDetect.Errors;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

public class ClipPlannerTests
{
    private static ProbedVideo Cfr(long frames, double fps = 10) => new(
        new VideoInfo { Path = "/v/x.avi", FrameCount = frames },
        VideoIndex.ConstantRate(frames, 0, 1000 / fps));

    private static List<VideoClip> Plan(ProbedVideo v, ClipOptions o) => ClipPlanner.Plan(v, o).ToList();

    private static (long Start, long End, bool Partial)[] Spans(IEnumerable<VideoClip> clips) =>
        clips.Select(c => (c.StartFrame, c.EndFrame, c.IsPartial)).ToArray();

    [Fact]
    public void Cuts_by_length_and_keeps_the_partial_tail()
    {
        var clips = Plan(Cfr(795), new ClipOptions { Length = VideoPosition.FromFrames(100) });
        Assert.Equal(8, clips.Count);
        Assert.Equal(Enumerable.Range(0, 8), clips.Select(c => c.Index));
        Assert.All(clips.Take(7), c => { Assert.Equal(100, c.FrameCount); Assert.False(c.IsPartial); });
        var last = clips[^1];
        Assert.Equal((700L, 795L, 95L, true), (last.StartFrame, last.EndFrame, last.FrameCount, last.IsPartial));
        Assert.Equal(TimeSpan.FromSeconds(70), last.StartTime);
        Assert.Equal(TimeSpan.FromSeconds(79.5), last.EndTime);
        Assert.Equal("/v/x.avi", last.Path);
    }

    [Fact]
    public void DropPartial_leaves_out_the_short_tail_only()
    {
        Assert.Equal(7, Plan(Cfr(795), new ClipOptions { Length = VideoPosition.FromFrames(100), DropPartial = true }).Count);
        Assert.Equal(8, Plan(Cfr(800), new ClipOptions { Length = VideoPosition.FromFrames(100), DropPartial = true }).Count);
    }

    [Fact]
    public void Exact_multiple_has_no_partial_clip()
    {
        var clips = Plan(Cfr(800), new ClipOptions { Length = VideoPosition.FromFrames(100) });
        Assert.Equal(8, clips.Count);
        Assert.DoesNotContain(clips, c => c.IsPartial);
    }

    [Fact]
    public void Overlapping_stride_stops_at_the_first_clip_that_reaches_the_end()
    {
        var clips = Plan(Cfr(100), new ClipOptions { Length = VideoPosition.FromFrames(40), Stride = VideoPosition.FromFrames(30) });
        Assert.Equal(new[] { (0L, 40L, false), (30L, 70L, false), (60L, 100L, false) }, Spans(clips));
    }

    [Fact]
    public void Larger_stride_skips_frames()
    {
        var clips = Plan(Cfr(100), new ClipOptions { Length = VideoPosition.FromFrames(10), Stride = VideoPosition.FromFrames(40) });
        Assert.Equal(new[] { (0L, 10L, false), (40L, 50L, false), (80L, 90L, false) }, Spans(clips));
    }

    [Fact]
    public void Start_and_end_by_frame_and_by_time()
    {
        var byFrame = Plan(Cfr(795), new ClipOptions { Length = VideoPosition.FromFrames(100), Start = VideoPosition.FromFrames(50), End = VideoPosition.FromFrames(300) });
        Assert.Equal(new[] { (50L, 150L, false), (150L, 250L, false), (250L, 300L, true) }, Spans(byFrame));

        var byTime = Plan(Cfr(795), new ClipOptions { Length = VideoPosition.FromFrames(100), Start = VideoPosition.FromSeconds(5), End = VideoPosition.FromSeconds(30) });
        Assert.Equal(Spans(byFrame), Spans(byTime));

        // A time between frames starts at the next frame; the end is exclusive.
        var between = Plan(Cfr(795), new ClipOptions { Length = VideoPosition.FromFrames(10), Start = VideoPosition.FromSeconds(0.05), End = VideoPosition.FromSeconds(2.05) });
        Assert.Equal(1, between[0].StartFrame);
        Assert.Equal(21, between[^1].EndFrame);
    }

    [Fact]
    public void Range_past_the_end_gives_no_clips_and_end_past_the_end_is_clamped()
    {
        Assert.Empty(Plan(Cfr(100), new ClipOptions { Length = VideoPosition.FromFrames(10), Start = VideoPosition.FromFrames(100) }));
        var clamped = Plan(Cfr(100), new ClipOptions { Length = VideoPosition.FromFrames(60), End = VideoPosition.FromFrames(1000) });
        Assert.Equal(new[] { (0L, 60L, false), (60L, 100L, true) }, Spans(clamped));
    }

    [Fact]
    public void Duration_cuts_by_timestamps()
    {
        var clips = Plan(Cfr(795), new ClipOptions { Length = VideoPosition.FromSeconds(10) });
        Assert.Equal(8, clips.Count);
        Assert.Equal((700L, 795L, true), (clips[^1].StartFrame, clips[^1].EndFrame, clips[^1].IsPartial));
        Assert.All(clips.Take(7), c => Assert.Equal(100, c.FrameCount));
    }

    [Fact]
    public void Duration_on_irregular_timestamps_follows_the_decoder_times()
    {
        // Frames at 0, 0.7, 1.1, 1.6, 2.0, 5.0, 5.5 s: a 1 s window holds a varying number of frames,
        // and the windows [3 s, 4 s) and [4 s, 5 s) hold none and yield no clip.
        double[] ts = { 0, 700, 1100, 1600, 2000, 5000, 5500 };
        var v = new ProbedVideo(new VideoInfo { Path = "/v/t.avi", FrameCount = ts.Length }, VideoIndex.FromTimestamps(ts, 100));
        var clips = Plan(v, new ClipOptions { Length = VideoPosition.FromSeconds(1) });
        Assert.Equal(new[] { (0L, 2L, false), (2L, 4L, false), (4L, 5L, false), (5L, 7L, true) }, Spans(clips));
        Assert.Equal(Enumerable.Range(0, 4), clips.Select(c => c.Index));
        Assert.Equal(TimeSpan.FromMilliseconds(1100), clips[1].StartTime);
        Assert.Equal(TimeSpan.FromMilliseconds(2000), clips[1].EndTime);
        Assert.Equal(TimeSpan.FromMilliseconds(5600), clips[^1].EndTime);
    }

    [Fact]
    public void Stride_in_the_other_unit_converts_with_the_nominal_rate()
    {
        var clips = Plan(Cfr(100), new ClipOptions { Length = VideoPosition.FromFrames(10), Stride = VideoPosition.FromSeconds(2) });
        Assert.Equal(new long[] { 0, 20, 40, 60, 80 }, clips.Select(c => c.StartFrame));
    }

    [Theory]
    [InlineData(0, null, null, null)]
    [InlineData(-5, null, null, null)]
    [InlineData(10, 0, null, null)]
    [InlineData(10, -1, null, null)]
    [InlineData(10, null, 50, 20)]
    [InlineData(10, null, 20, 20)]
    [InlineData(10, null, -1, null)]
    public void Nonsense_options_are_refused(int length, int? stride, int? start, int? end)
    {
        var o = new ClipOptions
        {
            Length = VideoPosition.FromFrames(length),
            Stride = stride is { } s ? VideoPosition.FromFrames(s) : null,
            Start = start is { } a ? VideoPosition.FromFrames(a) : null,
            End = end is { } b ? VideoPosition.FromFrames(b) : null,
        };
        Assert.Equal(ErrorIds.InvalidClipRange, Assert.Throws<InvalidClipRangeException>(() => ClipPlanner.Plan(Cfr(100), o)).ErrorId);
    }
}
