using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

public class VideoIndexCacheTests
{
    [Fact]
    public void A_second_probe_is_served_from_memory_and_a_new_process_from_disk()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        SyntheticVideo.Write(video, 40, "MJPG");
        string cacheDir = dir.File("cache");

        var cache = new VideoIndexCache(cacheDir);
        var first = VideoProbe.Probe(video, new ProbeOptions { Cache = cache, Accurate = true });
        Assert.Same(first, VideoProbe.Probe(video, new ProbeOptions { Cache = cache }));
        Assert.Single(Directory.GetFiles(cacheDir, "*.json"));

        // A second cache on the same directory stands for the next run of a scheduled task.
        var nextRun = new VideoIndexCache(cacheDir);
        var fromDisk = nextRun.TryGet(new FileInfo(video));
        Assert.NotNull(fromDisk);
        Assert.Equal(40, fromDisk!.Info.FrameCount);
        Assert.Equal(FrameCountMethod.Counted, fromDisk.Info.FrameCountMethod);
        Assert.True(fromDisk.Index.HasRecordedTimestamps);
        for (int i = 0; i <= 40; i++) Assert.Equal(first.Index.TimeOfMs(i), fromDisk.Index.TimeOfMs(i));
    }

    [Fact]
    public void A_changed_file_is_probed_again()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        SyntheticVideo.Write(video, 40, "MJPG");
        var cache = new VideoIndexCache(dir.File("cache"));
        Assert.Equal(40, VideoProbe.Probe(video, new ProbeOptions { Cache = cache }).Info.FrameCount);

        SyntheticVideo.Write(video, 25, "MJPG");
        File.SetLastWriteTimeUtc(video, DateTime.UtcNow.AddMinutes(1));
        Assert.Null(cache.TryGet(new FileInfo(video)));
        Assert.Equal(25, VideoProbe.Probe(video, new ProbeOptions { Cache = cache }).Info.FrameCount);
    }

    [Fact]
    public void A_file_whose_last_write_time_alone_changed_is_probed_again_in_memory_and_on_disk()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        SyntheticVideo.Write(video, 20, "MJPG");
        string cacheDir = dir.File("cache");
        var cache = new VideoIndexCache(cacheDir);
        var first = VideoProbe.Probe(video, new ProbeOptions { Cache = cache });
        long size = new FileInfo(video).Length;

        File.SetLastWriteTimeUtc(video, new FileInfo(video).LastWriteTimeUtc.AddSeconds(5));
        Assert.Equal(size, new FileInfo(video).Length);
        Assert.Null(cache.TryGet(new FileInfo(video)));
        Assert.Null(new VideoIndexCache(cacheDir).TryGet(new FileInfo(video)));
        Assert.NotSame(first, VideoProbe.Probe(video, new ProbeOptions { Cache = cache }));
    }

    [Fact]
    public void A_corrupt_disk_entry_is_ignored()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        SyntheticVideo.Write(video, 12, "MJPG");
        string cacheDir = dir.File("cache");
        VideoProbe.Probe(video, new ProbeOptions { Cache = new VideoIndexCache(cacheDir) });
        foreach (var f in Directory.GetFiles(cacheDir)) File.WriteAllText(f, "{ not json");
        var again = new VideoIndexCache(cacheDir);
        Assert.Null(again.TryGet(new FileInfo(video)));
        Assert.Equal(12, VideoProbe.Probe(video, new ProbeOptions { Cache = again }).Info.FrameCount);
    }

    [Fact]
    public void Accurate_upgrades_a_verified_entry_to_a_counted_one()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        SyntheticVideo.Write(video, 30, "mp4v");
        var cache = new VideoIndexCache(null);
        Assert.Equal(FrameCountMethod.Verified, VideoProbe.Probe(video, new ProbeOptions { Cache = cache }).Info.FrameCountMethod);
        Assert.Equal(FrameCountMethod.Counted, VideoProbe.Probe(video, new ProbeOptions { Cache = cache, Accurate = true }).Info.FrameCountMethod);
        Assert.Equal(FrameCountMethod.Counted, VideoProbe.Probe(video, new ProbeOptions { Cache = cache }).Info.FrameCountMethod);
    }
}
