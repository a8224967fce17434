using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

public class VideoProbeTests
{
    private static ProbeOptions Fresh(bool accurate = false) => new() { Accurate = accurate, Cache = new VideoIndexCache(null) };

    [SharedFact]
    public void Vtest_count_is_verified_without_a_full_decode_and_matches_a_sequential_decode()
    {
        string path = Fixtures.Video("vtest.avi");
        var probed = VideoProbe.Probe(path, Fresh());
        var info = probed.Info;
        Assert.Equal((795L, 795L, FrameCountMethod.Verified), (info.FrameCount, info.ReportedFrameCount, info.FrameCountMethod));
        Assert.Equal((768, 576, "MP43"), (info.Width, info.Height, info.Codec));
        Assert.Equal(new Rational(10, 1), info.FrameRate);
        Assert.True(info.IsConstantFrameRate);
        Assert.Equal(TimeSpan.FromSeconds(79.5), info.Duration);
        Assert.False(probed.Index.HasRecordedTimestamps);

        var sequential = Fixtures.SequentialTimestamps(path);
        Assert.Equal(sequential.Count, probed.Index.FrameCount);
        for (int i = 0; i < sequential.Count; i++) Assert.Equal(sequential[i], probed.Index.TimeOfMs(i), 6);
    }

    [SharedFact]
    public void Tree_lies_about_its_count_so_it_is_counted_with_its_irregular_timestamps()
    {
        string path = Fixtures.Video("tree.avi");
        var probed = VideoProbe.Probe(path, Fresh());
        Assert.Equal(444, probed.Info.ReportedFrameCount);
        Assert.Equal(68, probed.Info.FrameCount);
        Assert.Equal(FrameCountMethod.Counted, probed.Info.FrameCountMethod);
        Assert.False(probed.Info.IsConstantFrameRate);
        Assert.Equal(new Rational(1000000, 66667), probed.Info.FrameRate);
        Assert.Equal("cvid", probed.Info.Codec);

        var sequential = Fixtures.SequentialTimestamps(path);
        Assert.Equal(68, sequential.Count);
        for (int i = 0; i < sequential.Count; i++) Assert.Equal(sequential[i], probed.Index.TimeOfMs(i), 6);
        Assert.Equal(733.337, probed.Index.TimeOfMs(1), 3); // not 1/15 s: the container's own timestamp
    }

    [SharedFact]
    public void Megamind_keeps_its_rational_rate_and_a_last_frame_without_a_timestamp_still_verifies()
    {
        var probed = VideoProbe.Probe(Fixtures.Video("Megamind.avi"), Fresh());
        Assert.Equal(new Rational(2997, 125), probed.Info.FrameRate);
        Assert.Equal(270, probed.Info.FrameCount);
        Assert.Equal(FrameCountMethod.Verified, probed.Info.FrameCountMethod);
        var sequential = Fixtures.SequentialTimestamps(Fixtures.Video("Megamind.avi"));
        Assert.Equal(270, sequential.Count);
        // FFmpeg reports the last frame's missing pts as 0; every other frame matches exactly.
        for (int i = 0; i < 269; i++) Assert.Equal(sequential[i], probed.Index.TimeOfMs(i), 6);
    }

    [SharedFact]
    public void Accurate_counts_every_frame_and_agrees()
    {
        var probed = VideoProbe.Probe(Fixtures.Video("Megamind_bugy.avi"), Fresh(accurate: true));
        Assert.Equal(FrameCountMethod.Counted, probed.Info.FrameCountMethod);
        Assert.Equal(270, probed.Info.FrameCount);
        Assert.True(probed.Info.IsConstantFrameRate);
    }

    [Fact]
    public void Synthetic_videos_count_exactly_in_several_codecs()
    {
        using var dir = new TempDir();
        foreach (var (fourcc, ext, frames) in new[] { ("mp4v", "avi", 130), ("MJPG", "avi", 61), ("XVID", "avi", 7), ("mp4v", "mp4", 45) })
        {
            string path = dir.File($"syn-{fourcc}.{ext}");
            SyntheticVideo.Write(path, frames, fourcc);
            var probed = VideoProbe.Probe(path, Fresh());
            Assert.Equal(frames, probed.Info.FrameCount);
            Assert.Equal(new Rational(25, 1), probed.Info.FrameRate);
            var accurate = VideoProbe.Probe(path, Fresh(accurate: true));
            Assert.Equal(frames, accurate.Info.FrameCount);
        }
    }

    [Fact]
    public void Bad_files_raise_the_right_kind()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.mp4"), Array.Empty<byte>());
        File.WriteAllText(dir.File("text.mp4"), "this is not a video\n");
        var random = new byte[64 * 1024];
        new Random(42).NextBytes(random);
        File.WriteAllBytes(dir.File("random.avi"), random);

        VideoErrorKind KindOf(string p) => Assert.Throws<VideoException>(() => VideoProbe.Probe(p, Fresh())).Kind;
        Assert.Equal(VideoErrorKind.NotFound, KindOf(dir.File("missing.mp4")));
        Assert.Equal(VideoErrorKind.IsDirectory, KindOf(dir.Path));
        Assert.Equal(VideoErrorKind.Empty, KindOf(dir.File("empty.mp4")));
        Assert.Equal(VideoErrorKind.Unreadable, KindOf(dir.File("text.mp4")));
        Assert.Equal(VideoErrorKind.Unreadable, KindOf(dir.File("random.avi")));
        var e = Assert.Throws<VideoException>(() => VideoProbe.Probe(dir.File("text.mp4"), Fresh()));
        Assert.Equal(dir.File("text.mp4"), e.Path);
    }

    [Fact]
    public void A_truncated_file_reports_the_frames_that_really_decode()
    {
        using var dir = new TempDir();
        string whole = dir.File("whole.avi"), cut = dir.File("cut.avi");
        SyntheticVideo.Write(whole, 100, "MJPG");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var probed = VideoProbe.Probe(cut, Fresh());
        Assert.Equal(100, probed.Info.ReportedFrameCount); // the header still claims all of them
        Assert.Equal(FrameCountMethod.Counted, probed.Info.FrameCountMethod);
        Assert.InRange(probed.Info.FrameCount, 30, 60);
        Assert.Equal(Fixtures.SequentialTimestamps(cut).Count, probed.Info.FrameCount);
    }
}
