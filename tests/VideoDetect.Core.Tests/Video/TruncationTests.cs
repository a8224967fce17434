using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>The truncation rule (<see cref="Truncation"/>) on figures, and on real files and a cut copy.</summary>
public class TruncationTests
{
    private static readonly TimeSpan TenthSecond = TimeSpan.FromMilliseconds(100);

    private static bool Rule(long claimed, long decoded, double claimedS, double decodedS) =>
        Truncation.IsTruncated(claimed, decoded, TimeSpan.FromSeconds(claimedS), TimeSpan.FromSeconds(decodedS), TenthSecond);

    [Theory]
    [InlineData(795, 6, 79.5, 0.6, true)]       // cut off: short in count and in time
    [InlineData(795, 793, 79.5, 79.3, false)]   // 2 frames short: a muxer's off-by-one, within max(2, 2 %)
    [InlineData(795, 779, 79.5, 77.9, false)]   // 16 short = 2 % of 795 (rounded up): still whole
    [InlineData(795, 778, 79.5, 77.8, true)]    // 17 short: past 2 %
    [InlineData(10, 7, 1.0, 0.7, true)]         // a short clip: 3 frames > max(2, 1)
    [InlineData(10, 8, 1.0, 0.8, false)]        // 2 frames: within the 2-frame floor
    [InlineData(444, 68, 29.6, 29.6, false)]    // sparse frames over the whole claimed time (tree.avi): not truncated
    [InlineData(0, 6, 0, 0.6, false)]           // no claim: nothing to fall short of
    [InlineData(795, 795, 79.5, 79.5, false)]
    public void Truncated_only_when_short_in_count_and_in_time(long claimed, long decoded, double claimedS, double decodedS, bool truncated) =>
        Assert.Equal(truncated, Rule(claimed, decoded, claimedS, decodedS));

    [Fact]
    public void The_tolerances_scale_with_the_claim_and_have_a_floor()
    {
        Assert.Equal(2, Truncation.FrameTolerance(10));
        Assert.Equal(20, Truncation.FrameTolerance(1000));
        Assert.Equal(TimeSpan.FromMilliseconds(200), Truncation.TimeTolerance(TimeSpan.FromSeconds(1), TenthSecond));
        Assert.Equal(TimeSpan.FromSeconds(72), Truncation.TimeTolerance(TimeSpan.FromHours(1), TenthSecond));
    }

    [SharedFact]
    public void A_cut_copy_of_vtest_is_truncated_and_says_its_figures()
    {
        string broken = Path.Combine(Path.GetTempPath(), $"vd-broken-{Guid.NewGuid():N}.avi");
        try
        {
            using (var source = File.OpenRead(Fixtures.Video("vtest.avi")))
            using (var target = File.Create(broken))
            {
                var head = new byte[200_000];
                source.ReadExactly(head);
                target.Write(head);
            }
            var info = VideoProbe.Probe(broken, new ProbeOptions { Cache = new VideoIndexCache(null) }).Info;
            Assert.Equal(795, info.ReportedFrameCount);
            Assert.InRange(info.FrameCount, 1, 20);
            Assert.True(info.IsTruncated);
            Assert.Equal(TimeSpan.FromSeconds(79.5), info.ReportedDuration);
            Assert.Contains($"{info.FrameCount} of the 795 frames the container claims decode", info.TruncationText);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [SharedTheory]
    [InlineData("vtest.avi")]
    [InlineData("Megamind.avi")]
    [InlineData("Megamind_bugy.avi")]
    [InlineData("tree.avi")]
    public void The_sample_videos_are_whole(string name)
    {
        var info = VideoProbe.Probe(Fixtures.Video(name), new ProbeOptions { Cache = new VideoIndexCache(null) }).Info;
        Assert.False(info.IsTruncated, $"{name}: {info.ReportedFrameCount} claimed, {info.FrameCount} decoded, {info.Duration} of {info.ReportedDuration}");
        Assert.Null(info.TruncationText);
    }
}
