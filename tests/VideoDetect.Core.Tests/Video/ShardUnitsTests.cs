using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>Split-VideoClip's planning policy as plain functions: shard units, shared keys, where a resume restarts.</summary>
public class ShardUnitsTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "footage");

    private static PlannedVideo Video(string relative, int clips, int framesPerClip = 100)
    {
        string file = Path.Combine(Root, relative);
        var plan = Enumerable.Range(0, clips)
            .Select(i => new VideoClip { Path = file, Index = i, StartFrame = i * framesPerClip, EndFrame = (i + 1) * framesPerClip, FrameCount = framesPerClip })
            .ToList();
        long frames = (long)clips * framesPerClip;
        return new PlannedVideo(file, new ProbedVideo(new VideoInfo { Path = file, FrameCount = frames }, VideoIndex.ConstantRate(frames, 0, 100)), plan);
    }

    private static IEnumerable<VideoClip> Clips(int count) =>
        Enumerable.Range(0, count).Select(i => new VideoClip { Index = i, StartFrame = i * 10, EndFrame = i * 10 + 10, FrameCount = 10 });

    [Fact]
    public void Whole_video_units_carry_every_frame_keyed_by_the_relative_path()
    {
        var units = ShardUnits.Build(new[] { Video("a/one.mp4", 3), Video("b/two.mp4", 1) }, ShardUnit.Videos, 4, Root);
        Assert.Equal(new[] { new ShardItem("a/one.mp4", 300), new ShardItem("b/two.mp4", 100) }, units.Select(u => u.Item));
        Assert.Equal(3, units[0].Clips.Count);
        Assert.Same(units[0].Source.Plan, units[0].Clips);
    }

    [Fact]
    public void Clip_units_cut_each_video_into_runs_of_whole_clips()
    {
        var units = ShardUnits.Build(new[] { Video("long.mp4", 10), Video("short.mp4", 1) }, ShardUnit.Clips, 3, Root);
        Assert.Equal(new[] { "long.mp4#0", "long.mp4#1", "long.mp4#2", "short.mp4#0" }, units.Select(u => u.Item.Key));
        Assert.Equal(Enumerable.Range(0, 10), units.Take(3).SelectMany(u => u.Clips).Select(c => c.Index));
    }

    [Fact]
    public void The_shards_of_a_listing_are_disjoint_and_together_the_listing()
    {
        var units = ShardUnits.Build(Enumerable.Range(0, 9).Select(i => Video($"s/cam{i}.mp4", 1 + i % 4)), ShardUnit.Videos, 3, Root);
        var shards = Enumerable.Range(0, 3).Select(k => ShardUnits.Of(units, new ShardSpec(k, 3))).ToList();
        Assert.Equal(units.Select(u => u.Item.Key).Order(), shards.SelectMany(s => s).Select(u => u.Item.Key).Order());
    }

    [Fact]
    public void Files_named_alike_without_a_root_share_a_key_and_are_reported()
    {
        var videos = new[] { Video("x/cam.mp4", 1), Video("y/cam.mp4", 1), Video("y/other.mp4", 1) };
        var shared = Assert.Single(ShardUnits.SharedKeys(ShardUnits.Build(videos, ShardUnit.Videos, 2, root: null)));
        Assert.Equal("cam.mp4", shared.Key);
        Assert.Equal(new[] { videos[0].File, videos[1].File }, shared.Files);
        Assert.Empty(ShardUnits.SharedKeys(ShardUnits.Build(videos, ShardUnit.Videos, 2, Root)));
    }

    [Fact]
    public void A_resumed_whole_video_restarts_after_the_last_whole_clip_or_gives_its_last_clip_to_finish_the_file()
    {
        Assert.Equal(new[] { 3, 4 }, ShardUnits.ResumeAfter(Clips(5), 2, holdsVideoEnd: true).Select(c => c.Index));
        Assert.Equal(new[] { 4 }, ShardUnits.ResumeAfter(Clips(5), 4, holdsVideoEnd: true).Select(c => c.Index));
    }

    [Fact]
    public void A_resumed_run_of_clips_gives_only_the_clips_after_the_last_whole_one()
    {
        var run = Clips(5).Skip(1).Take(2).ToList(); // clips 1 and 2 of a longer video
        Assert.Equal(new[] { 2 }, ShardUnits.ResumeAfter(run, 1, holdsVideoEnd: false).Select(c => c.Index));
        Assert.Empty(ShardUnits.ResumeAfter(run, 3, holdsVideoEnd: false));
    }
}
