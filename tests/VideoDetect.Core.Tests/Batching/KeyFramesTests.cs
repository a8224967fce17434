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
