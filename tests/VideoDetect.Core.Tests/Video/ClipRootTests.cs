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
    public void Resolve_keeps_every_property_but_the_paths_and_the_planning_hosts_description()
    {
        // Every settable property gets a distinct non-default value, so a property added later is covered too.
        var clip = new VideoClip();
        int n = 0;
        foreach (var p in typeof(VideoClip).GetProperties().Where(p => p.CanWrite))
        {
            n++;
            object value = p.PropertyType switch
            {
                var t when t == typeof(string) => $"value {n}",
                var t when t == typeof(int) => 100 + n,
                var t when t == typeof(long) => 1000L + n,
                var t when t == typeof(bool) => true,
                var t when t == typeof(TimeSpan) || t == typeof(TimeSpan?) => TimeSpan.FromSeconds(n),
                var t when t == typeof(DateTimeOffset?) => new DateTimeOffset(2026, 12, 5, 22, 0, n, TimeSpan.FromHours(1)),
                var t when t == typeof(VideoInfo) => new VideoInfo { Path = "described" },
                var t when t.IsEnum => Enum.GetValues(t).GetValue(Enum.GetValues(t).Length - 1)!, // not the default
                var t => throw new InvalidOperationException($"Give VideoClip.{p.Name} ({t.Name}) a value in this test."),
            };
            p.SetValue(clip, value);
        }
        clip.Path = Path.Combine(RootA, "site 1", "cam.mp4");
        clip.Root = RootA;
        clip.RelativePath = "site 1/cam.mp4";

        var there = ClipRoot.Resolve(clip, RootB);

        Assert.Equal(Path.Combine(RootB, "site 1", "cam.mp4"), there.Path);
        Assert.Equal(RootB, there.Root);
        Assert.Null(there.Video); // described on the planning host; this one probes its own copy
        foreach (var p in typeof(VideoClip).GetProperties().Where(p => p.Name is not (nameof(VideoClip.Path) or nameof(VideoClip.Root) or nameof(VideoClip.Video))))
            Assert.True(Equals(p.GetValue(clip), p.GetValue(there)), $"Resolve changed {p.Name}: {p.GetValue(clip)} became {p.GetValue(there)}.");
        Assert.Equal(Path.Combine(RootA, "site 1", "cam.mp4"), clip.Path); // the input is not changed
        Assert.NotNull(clip.Video);
    }

    [Fact]
    public void Relativize_returns_a_copy_and_leaves_its_input_as_it_was()
    {
        var clip = Clip(Path.Combine(RootA, "site 1", "cam.mp4"));
        clip.PlanStartFrame = 5;
        var relative = ClipRoot.Relativize(clip, RootA);
        Assert.NotSame(clip, relative);
        Assert.Equal(("site 1/cam.mp4", RootA), (relative.RelativePath, relative.Root));
        Assert.Equal((3, 30L, 40L, 5L), (relative.Index, relative.StartFrame, relative.EndFrame, relative.PlanStartFrame));
        Assert.Null(clip.RelativePath);
        Assert.Null(clip.Root);
    }

    [Fact]
    public void A_file_outside_the_root_has_no_relative_path()
    {
        Assert.Equal(ErrorIds.OutsideRoot, Assert.Throws<OutsideRootException>(() => ClipRoot.Relativize(Clip(Path.Combine(RootB, "cam.mp4")), RootA)).ErrorId);
    }
}
