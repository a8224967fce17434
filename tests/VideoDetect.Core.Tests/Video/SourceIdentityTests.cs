using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>The one definition of source identity: relativisation to a root, and "same version" (size, last-write time).</summary>
public class SourceIdentityTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "host-a", "footage");

    [Fact]
    public void A_path_under_the_root_is_relative_with_forward_slashes()
    {
        Assert.Equal("site 1/cam.mp4", SourceIdentity.RelativePath(Path.Combine(Root, "site 1", "cam.mp4"), Root));
        Assert.Equal("cam.mp4", SourceIdentity.RelativePath(Path.Combine(Root, "cam.mp4"), Root + Path.DirectorySeparatorChar));
        // A folder whose name starts with two dots is inside the root, not above it.
        Assert.Equal("..old/cam.mp4", SourceIdentity.RelativePath(Path.Combine(Root, "..old", "cam.mp4"), Root));
    }

    [Fact]
    public void A_path_outside_the_root_has_no_relative_path()
    {
        Assert.Null(SourceIdentity.RelativePath(Path.Combine(Path.GetTempPath(), "host-a", "other", "cam.mp4"), Root));
        Assert.Null(SourceIdentity.RelativePath(Path.Combine(Path.GetTempPath(), "host-a", "cam.mp4"), Root));
        Assert.Null(SourceIdentity.RelativePath(Path.GetDirectoryName(Root)!, Root));
    }

    [Fact]
    public void Identity_is_relative_under_a_root_else_full_and_shard_keys_fall_back_to_the_file_name()
    {
        using var dir = new TempDir();
        string site = Path.Combine(dir.Path, "site");
        Directory.CreateDirectory(site);
        string file = Path.Combine(site, "cam.avi");
        File.WriteAllBytes(file, new byte[] { 1, 2, 3 });
        Assert.Equal("site/cam.avi", SourceIdentity.Of(file, dir.Path).Path);
        Assert.Equal(file, SourceIdentity.Of(file, site + "-elsewhere").Path); // outside the root: the full path
        Assert.Equal(file, SourceIdentity.Of(file, null).Path);
        Assert.Equal("site/cam.avi", ShardPlanner.KeyOf(file, dir.Path));
        Assert.Equal("cam.avi", ShardPlanner.KeyOf(file, null));
        Assert.Equal("cam.avi", ShardPlanner.KeyOf(file, site + "-elsewhere")); // never a full path: machines must agree on keys
    }

    [Fact]
    public void A_file_is_the_same_version_while_its_size_and_last_write_time_stay()
    {
        using var dir = new TempDir();
        string file = dir.File("cam.avi");
        File.WriteAllBytes(file, new byte[] { 1, 2, 3 });
        var before = SourceIdentity.Of(new FileInfo(file));
        Assert.Equal(before, SourceIdentity.Of(file));
        Assert.True(before.IsSameVersionAs(SourceIdentity.Of(new VideoInfo { Path = "elsewhere", Length = 3, LastWriteTimeUtc = before.LastWriteTimeUtc })));
        File.SetLastWriteTimeUtc(file, before.LastWriteTimeUtc.AddSeconds(-5));
        Assert.False(before.IsSameVersionAs(SourceIdentity.Of(file)));
        File.WriteAllBytes(file, new byte[] { 1, 2, 3, 4 });
        File.SetLastWriteTimeUtc(file, before.LastWriteTimeUtc);
        var grown = SourceIdentity.Of(file);
        Assert.False(before.IsSameVersionAs(grown));
        Assert.Equal(new[] { "size 4 ≠ 3 bytes" }, before.DifferencesFrom(grown));
    }
}
