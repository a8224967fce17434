using VideoDetect.Batching;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

/// <summary>The key-frame list: scanned from the container once, then kept with the video index.</summary>
public class KeyFramesTests
{
    private static (FileInfo File, VideoIndex Index) Probe(string path, VideoIndexCache cache) =>
        (new FileInfo(path), VideoProbe.Probe(path, new ProbeOptions { Cache = cache }).Index);

    [Fact]
    public void A_scan_finds_the_encoders_key_frames()
    {
        using var dir = new TempDir();
        string path = dir.File("v.avi");
        SyntheticVideo.Write(path, 50, "mp4v"); // OpenCV's mp4v writer puts a key frame every 12 frames
        var (_, index) = Probe(path, new VideoIndexCache(null));
        Assert.Equal(new long[] { 0, 12, 24, 36, 48 }, KeyFrames.Scan(path, index, CancellationToken.None));
    }

    [Fact]
    public void The_list_is_stored_with_the_index_and_a_later_run_reads_it_instead_of_scanning()
    {
        using var dir = new TempDir();
        string path = dir.File("v.avi");
        SyntheticVideo.Write(path, 50, "mp4v");
        string cacheDir = dir.File("cache");
        var cache = new VideoIndexCache(cacheDir);
        var (file, index) = Probe(path, cache);

        Assert.False(cache.TryGetKeyFrames(file, index, out _));
        var scanned = KeyFrames.Of(path, index, cache, CancellationToken.None);
        Assert.True(cache.TryGetKeyFrames(file, index, out var kept));
        Assert.Equal(scanned, kept);

        // A list that no scan would give: served as stored, so nothing was scanned.
        cache.StoreKeyFrames(file, index, new long[] { 0, 7 });
        Assert.Equal(new long[] { 0, 7 }, KeyFrames.Of(path, index, cache, CancellationToken.None));

        // The next run (a new cache on the same directory) reads it from disk with the index.
        var nextRun = new VideoIndexCache(cacheDir);
        var (_, again) = Probe(path, nextRun);
        Assert.Equal(new long[] { 0, 7 }, KeyFrames.Of(path, again, nextRun, CancellationToken.None));

        // "The container does not tell" is remembered too.
        nextRun.StoreKeyFrames(file, again, null);
        Assert.True(new VideoIndexCache(cacheDir).TryGetKeyFrames(file, Probe(path, new VideoIndexCache(cacheDir)).Index, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void A_changed_file_or_a_new_probe_drops_the_list()
    {
        using var dir = new TempDir();
        string path = dir.File("v.avi");
        SyntheticVideo.Write(path, 50, "mp4v");
        string cacheDir = dir.File("cache");
        var cache = new VideoIndexCache(cacheDir);
        var (file, index) = Probe(path, cache);
        cache.StoreKeyFrames(file, index, new long[] { 0, 7 });

        cache.Store(file, new ProbedVideo(cache.TryGet(file)!.Info, index)); // probed again
        Assert.False(cache.TryGetKeyFrames(file, index, out _));
        Assert.False(new VideoIndexCache(cacheDir).TryGetKeyFrames(file, index, out _));

        cache.StoreKeyFrames(file, index, new long[] { 0, 7 });
        File.SetLastWriteTimeUtc(path, file.LastWriteTimeUtc.AddSeconds(5));
        var changed = new FileInfo(path);
        Assert.False(cache.TryGetKeyFrames(changed, index, out _));
        Assert.False(new VideoIndexCache(cacheDir).TryGetKeyFrames(changed, index, out _));
    }
}

/// <summary>FFmpeg threads per capture: workers × threads ≈ cores, one each when workers outnumber cores.</summary>
public class DecodeThreadsTests
{
    [Theory]
    [InlineData(1, 2, 0)]   // one worker: OpenCV's default
    [InlineData(2, 2, 1)]
    [InlineData(4, 2, 1)]
    [InlineData(4, 16, 4)]
    [InlineData(8, 16, 2)]
    [InlineData(16, 16, 1)]
    public void Workers_times_threads_stays_near_the_cores(int workers, int cores, int threads) =>
        Assert.Equal(threads, DecodeParallelism.DecodeThreads(workers, cores));

    [Theory]
    [InlineData(1, false, false, 1)]
    [InlineData(1, false, true, 1)]   // one core: one worker, gated or not
    [InlineData(2, false, false, 1)]
    [InlineData(2, false, true, 2)]   // a gated decode on 2 cores: two decoders (bench case 12)
    [InlineData(2, true, true, 2)]
    [InlineData(8, false, false, 2)]
    [InlineData(8, false, true, 2)]
    [InlineData(4, false, true, 2)]   // a quarter of 4 cores is 1; gated, 2
    [InlineData(16, true, true, 8)]
    public void Auto_gives_a_gated_decode_at_least_two_workers(int cores, bool gpu, bool gated, int workers) =>
        Assert.Equal(workers, DecodeParallelism.Auto(cores, gpu, gated));
}

/// <summary>Where a video may be split between workers: both sides long enough, the seek cheap next to the run before it.</summary>
public class ShouldSplitTests
{
    [Theory]
    [InlineData(768, 27, 198, 18L, false)]   // vtest.avi at 2 workers: a cheap seek, but a 27-frame tail
    [InlineData(768, 198, 198, 18L, true)]
    [InlineData(197, 600, 198, 0L, false)]   // the run before is too short
    [InlineData(320, 475, 198, 70L, false)]  // 70 frames of seeking for a 320-frame run: over 5 %
    [InlineData(2000, 5000, 198, 100L, true)]
    [InlineData(4000, 5000, 198, null, false)] // unknown key frames cost a long GOP (250): needs 5000
    [InlineData(5000, 5000, 198, null, true)]
    public void Splits_only_where_both_sides_are_long_and_the_seek_is_cheap(long run, long left, long min, long? cost, bool split) =>
        Assert.Equal(split, DecodeParallelism.ShouldSplit(run, left, min, cost));
}

/// <summary>What a seek costs: OpenCV starts decoding at the key frame at or before target − 16.</summary>
public class SeekCostTests
{
    private static readonly long[] Gop250 = { 0, 250, 500, 750 };

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 10)]     // before the lead: from frame 0
    [InlineData(256, 256)]   // 6 after a key frame: OpenCV asks for 240, lands on 0
    [InlineData(266, 16)]    // the first target that lands on key frame 250
    [InlineData(320, 70)]
    [InlineData(512, 262)]
    [InlineData(768, 18)]
    [InlineData(765, 265)]  // 15 after a key frame: still from the one before
    public void Counts_from_the_key_frame_before_the_lead(long target, long cost) =>
        Assert.Equal(cost, KeyFrames.SeekCost(Gop250, target));
}
