using VideoDetect.Errors;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

public class ClipRootTests
{
    private static readonly string RootA = Path.Combine(Path.GetTempPath(), "host-a", "footage");
    private static readonly string RootB = Path.Combine(Path.GetTempPath(), "host b", "mnt");

    private static VideoClip Clip(string path) => new() { Path = path, Index = 3, StartFrame = 30, EndFrame = 40, FrameCount = 10, StartTime = TimeSpan.FromSeconds(3), EndTime = TimeSpan.FromSeconds(4), IsPartial = true };

    [Fact]
    public void A_clip_planned_under_one_root_resolves_under_another()
    {
        var clip = ClipRoot.Relativize(Clip(Path.Combine(RootA, "site 1", "cam.mp4")), RootA);
        Assert.Equal("site 1/cam.mp4", clip.RelativePath);
        Assert.Equal(RootA, clip.Root);
        var there = ClipRoot.Resolve(clip, RootB);
        Assert.Equal(Path.Combine(RootB, "site 1", "cam.mp4"), there.Path);
        Assert.Equal((RootB, "site 1/cam.mp4"), (there.Root, there.RelativePath));
        Assert.Equal((3, 30L, 40L, 10L, true), (there.Index, there.StartFrame, there.EndFrame, there.FrameCount, there.IsPartial));
        Assert.Equal(Path.Combine(RootA, "site 1", "cam.mp4"), clip.Path); // the input is not changed
    }

    [Fact]
    public void Without_a_relative_path_or_a_local_root_the_clip_is_kept()
    {
        var plain = Clip(Path.Combine(RootA, "cam.mp4"));
        Assert.Same(plain, ClipRoot.Resolve(plain, RootB));
        var relative = ClipRoot.Relativize(Clip(Path.Combine(RootA, "cam.mp4")), RootA);
        Assert.Same(relative, ClipRoot.Resolve(relative, null));
    }

    [Fact]
    public void A_file_outside_the_root_has_no_relative_path()
    {
        Assert.Equal(ErrorIds.OutsideRoot, Assert.Throws<OutsideRootException>(() => ClipRoot.Relativize(Clip(Path.Combine(RootB, "cam.mp4")), RootA)).ErrorId);
    }
}
