using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

/// <summary>The clip-ordering policy alone: clips in, ranges out, nothing decoded.</summary>
public class ClipScheduleTests
{
    private static readonly VideoIndex Hundred = VideoIndex.ConstantRate(100, 0, 40);

    private static VideoClip Clip(string path, int index, long start, long end, long planStart = 0) =>
        new() { Path = path, Index = index, StartFrame = start, EndFrame = end, FrameCount = end - start, PlanStartFrame = planStart };

    private static List<ScheduledWork> Plan(int stride, params VideoClip[] clips) =>
        ClipSchedule.Plan(clips, _ => Hundred, stride).ToList();

    private static (string Path, long First, long End) Range(ScheduledWork w)
    {
        var r = Assert.IsType<DecodeRange>(w);
        return (r.Path, r.First, r.End);
    }

    [Fact]
    public void Consecutive_clips_continue_and_an_overlap_is_emitted_once()
    {
        var work = Plan(1, Clip("a", 0, 0, 30), Clip("a", 1, 20, 50), Clip("a", 2, 40, 70), Clip("a", 3, 60, 100));
        Assert.Equal(new[] { ("a", 0L, 30L), ("a", 30L, 50L), ("a", 50L, 70L), ("a", 70L, 100L) }, work.Select(Range));
    }

    [Fact]
    public void A_clip_inside_the_frames_already_emitted_is_covered()
    {
        var work = Plan(1, Clip("a", 0, 0, 50), Clip("a", 1, 10, 40), Clip("a", 2, 45, 60));
        Assert.Equal(("a", 0L, 50L), Range(work[0]));
        Assert.IsType<ClipCovered>(work[1]);
        Assert.Equal(("a", 50L, 60L), Range(work[2]));
    }

    [Fact]
    public void A_jump_back_decodes_the_whole_clip_again()
    {
        var work = Plan(1, Clip("a", 2, 20, 30), Clip("a", 0, 0, 10), Clip("a", 1, 5, 25));
        // 0..10 is a jump back (before 20): emitted again; 5..25 starts after 0, so only 10..25 is new.
        Assert.Equal(new[] { ("a", 20L, 30L), ("a", 0L, 10L), ("a", 10L, 25L) }, work.Select(Range));
    }

    [Fact]
    public void Another_video_in_between_starts_the_first_one_afresh()
    {
        var work = Plan(1, Clip("a", 0, 0, 30), Clip("b", 0, 0, 10), Clip("a", 1, 20, 40));
        Assert.Equal(new[] { ("a", 0L, 30L), ("b", 0L, 10L), ("a", 20L, 40L) }, work.Select(Range));
    }

    [Fact]
    public void A_clip_outside_its_video_is_rejected_with_ClipOutOfRange_and_the_next_starts_afresh()
    {
        var work = Plan(1, Clip("a", 0, 0, 30), Clip("a", 9, 90, 130), Clip("a", 1, 20, 40));
        Assert.Equal(("a", 0L, 30L), Range(work[0]));
        var rejected = Assert.IsType<ClipRejected>(work[1]);
        Assert.Equal(ErrorIds.ClipOutOfRange, Assert.IsType<ClipOutOfRangeException>(rejected.Error).ErrorId);
        Assert.Equal(("a", 20L, 40L), Range(work[2]));
        Assert.IsType<ClipRejected>(Plan(1, Clip("a", 0, -1, 5)).Single());
        Assert.IsType<ClipRejected>(Plan(1, Clip("a", 0, 50, 40)).Single());
    }

    [Fact]
    public void A_video_that_fails_to_open_rejects_its_clips_with_that_error()
    {
        var gone = new VideoException(VideoErrorKind.NotFound, "g", "gone");
        var work = ClipSchedule.Plan(new[] { Clip("g", 0, 0, 10), Clip("a", 0, 0, 10) }, c => c.Path == "g" ? throw gone : Hundred, 1).ToList();
        Assert.Same(gone, Assert.IsType<ClipRejected>(work[0]).Error);
        Assert.Equal(("a", 0L, 10L), Range(work[1]));
    }

    [Fact]
    public void The_stride_grid_is_the_videos_not_the_first_clip_seen()
    {
        // A full run from frame 0 and a resumed run that starts at clip 1 (frame 25) take the same frames.
        var clips = new[] { Clip("a", 0, 0, 25), Clip("a", 1, 25, 50), Clip("a", 2, 50, 75), Clip("a", 3, 75, 100) };
        var full = Plan(4, clips).Cast<DecodeRange>().SelectMany(r => r.EmittedFrames()).ToList();
        var resumed = Plan(4, clips[1..]).Cast<DecodeRange>().SelectMany(r => r.EmittedFrames()).ToList();
        var shard = Plan(4, clips[1], clips[3]).Cast<DecodeRange>().SelectMany(r => r.EmittedFrames()).ToList();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => 4L * i), full);
        Assert.Equal(full.Where(f => f >= 25), resumed);
        Assert.Equal(full.Where(f => f is >= 25 and < 50 or >= 75), shard);
        Assert.Equal(28L, resumed[0]);
    }

    [Fact]
    public void The_stride_grid_counts_from_the_plans_start()
    {
        var clips = new[] { Clip("a", 0, 7, 27, planStart: 7), Clip("a", 1, 27, 47, planStart: 7) };
        var resumed = Plan(3, clips[1]).Cast<DecodeRange>().Single();
        Assert.Equal(7, resumed.Origin);
        Assert.Equal(new long[] { 28, 31, 34, 37, 40, 43, 46 }, resumed.EmittedFrames());
        Assert.True(resumed.Emits(28));
        Assert.False(resumed.Emits(27));
        Assert.Equal(resumed.EmittedFrames(), Enumerable.Range(27, 20).Select(i => (long)i).Where(resumed.Emits));
    }
}
