using VideoDetect.Errors;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

public class ShardPlannerTests
{
    // 24 files of mixed lengths (a few long, many short), keyed by relative path.
    private static List<ShardItem> Mixed(int files = 24)
    {
        var rng = new Random(7);
        return Enumerable.Range(0, files)
            .Select(i => new ShardItem($"site{i % 3}/cam{i:D2}.mp4", i % 6 == 0 ? rng.Next(3000, 6000) : rng.Next(100, 1500)))
            .ToList();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Shards_are_disjoint_cover_the_listing_and_balance_within_20_percent(int n)
    {
        var items = Mixed();
        var shards = Enumerable.Range(0, n).Select(k => ShardPlanner.Select(items, x => x, new ShardSpec(k, n)).ToList()).ToList();
        var all = shards.SelectMany(s => s).ToList();
        Assert.Equal(items.Count, all.Count);                       // disjoint: nothing twice
        Assert.Equal(items.OrderBy(i => i.Key), all.OrderBy(i => i.Key)); // union = the listing
        var (loads, balance) = ShardPlanner.Loads(items, n);
        Assert.Equal(items.Sum(i => i.Frames), loads.Sum());
        Assert.True(balance <= 1.2, $"largest shard {loads.Max()} over mean {loads.Average():F0} = {balance:F3}");
    }

    [Fact]
    public void Each_machine_gets_the_same_assignment_whatever_the_listing_order()
    {
        var items = Mixed();
        var reference = Assignment(items, 4);
        for (int seed = 0; seed < 5; seed++)
        {
            var shuffled = items.OrderBy(i => ShardPlanner.StableHash(i.Key + seed)).ToList();
            Assert.Equal(reference, Assignment(shuffled, 4));
        }
    }

    [Fact]
    public void Ties_are_broken_by_the_key_not_by_the_order()
    {
        var items = Enumerable.Range(0, 8).Select(i => new ShardItem($"v{i}.mp4", 100)).ToList();
        var forward = Assignment(items, 3);
        var backward = Assignment(Enumerable.Reverse(items).ToList(), 3);
        Assert.Equal(forward, backward);
        Assert.Equal(new[] { 3, 3, 2 }, Enumerable.Range(0, 3).Select(s => forward.Values.Count(v => v == s)).OrderByDescending(c => c).ToArray());
    }

    [Fact]
    public void The_hash_is_fixed_fnv1a_not_the_per_process_string_hash()
    {
        Assert.Equal(0xcbf29ce484222325UL, ShardPlanner.StableHash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardPlanner.StableHash("a"));
    }

    [Fact]
    public void Keys_are_relative_to_the_root_with_forward_slashes()
    {
        string root = Path.Combine(Path.GetTempPath(), "footage");
        Assert.Equal("site1/cam1.mp4", ShardPlanner.KeyOf(Path.Combine(root, "site1", "cam1.mp4"), root));
        Assert.Equal("cam1.mp4", ShardPlanner.KeyOf(Path.Combine(root, "site1", "cam1.mp4"), null));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData(" 1 / 2 ", 1, 2)]
    public void Parses_k_of_n(string text, int k, int n) => Assert.Equal(new ShardSpec(k, n), ShardSpec.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void Rejects_what_is_not_a_shard(string text) =>
        Assert.Equal(ErrorIds.InvalidShard, Assert.Throws<InvalidShardException>(() => ShardSpec.Parse(text)).ErrorId);

    [Fact]
    public void Runs_cut_a_long_video_into_up_to_n_runs_of_whole_consecutive_clips()
    {
        var clips = Enumerable.Range(0, 10).Select(i => new VideoClip { Index = i, StartFrame = i * 100, EndFrame = i * 100 + 100, FrameCount = 100 }).ToList();
        var runs = ShardPlanner.Runs("long.mp4", clips, 3);
        Assert.Equal(3, runs.Count);
        Assert.Equal(clips, runs.SelectMany(r => r.Clips));
        Assert.Equal(new[] { "long.mp4#0", "long.mp4#1", "long.mp4#2" }, runs.Select(r => r.Item.Key));
        Assert.Equal(new long[] { 400, 400, 200 }, runs.Select(r => r.Item.Frames));
    }

    private static Dictionary<string, int> Assignment(List<ShardItem> items, int n)
    {
        var shard = ShardPlanner.Assign(items, n);
        return items.Select((item, i) => (item.Key, shard[i])).ToDictionary(p => p.Key, p => p.Item2);
    }
}
