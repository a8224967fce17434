namespace VideoDetect.Video;

/// <summary>One probed file of a listing and its clip plan.</summary>
public sealed record PlannedVideo(string File, ProbedVideo Video, IReadOnlyList<VideoClip> Plan);

/// <summary>One unit a shard is made of: a whole video or a run of its consecutive clips, placed by <see cref="Item"/>.</summary>
public sealed record ShardWork(ShardItem Item, PlannedVideo Source, IReadOnlyList<VideoClip> Clips);

/// <summary>A shard key more than one file maps to: machines that list them in another order may disagree on their shards.</summary>
public sealed record SharedShardKey(string Key, IReadOnlyList<string> Files);

/// <summary>
/// The planning policy of Split-VideoClip -Shard / -ResumeFrom as plain functions: what the units
/// of a listing are, which keys collide, and where a resumed plan restarts. The cmdlet only calls
/// them and writes what they return.
/// </summary>
public static class ShardUnits
{
    /// <summary>
    /// The units of a listing, in listing order: with <see cref="ShardUnit.Videos"/> one per video
    /// (all its frames), with <see cref="ShardUnit.Clips"/> up to <paramref name="count"/> runs of
    /// consecutive clips per video (<see cref="ShardPlanner.Runs"/>). Keys: <see cref="ShardPlanner.KeyOf"/>.
    /// </summary>
    public static IReadOnlyList<ShardWork> Build(IEnumerable<PlannedVideo> videos, ShardUnit unit, int count, string? root)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var units = new List<ShardWork>();
        foreach (var video in videos)
        {
            string key = ShardPlanner.KeyOf(video.File, root);
            if (unit == ShardUnit.Videos) units.Add(new ShardWork(new ShardItem(key, video.Plan.Sum(c => c.FrameCount)), video, video.Plan));
            else foreach (var (item, clips) in ShardPlanner.Runs(key, video.Plan, count)) units.Add(new ShardWork(item, video, clips));
        }
        return units;
    }

    /// <summary>Keys that more than one file of <paramref name="units"/> maps to (ordinal), in order of first appearance, each with its files.</summary>
    public static IReadOnlyList<SharedShardKey> SharedKeys(IEnumerable<ShardWork> units) =>
        units.GroupBy(u => u.Item.Key, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => new SharedShardKey(g.Key, g.Select(u => u.Source.File).ToList()))
            .ToList();

    /// <summary>The units of <paramref name="shard"/>, in listing order.</summary>
    public static IReadOnlyList<ShardWork> Of(IReadOnlyList<ShardWork> units, ShardSpec shard) =>
        ShardPlanner.Select(units, u => u.Item, shard).ToList();

    /// <summary>
    /// Where a resumed plan restarts, given the last clip a partial result holds whole. When
    /// <paramref name="holdsVideoEnd"/> (the plan is the whole video: no shard, or whole-video shard
    /// units), <see cref="ClipPlanner.After"/>: the clips after it, or the video's last clip so the
    /// writer sees the end and completes the file. A run of clips (<see cref="ShardUnit.Clips"/>) need
    /// not hold the video's end, so it gives only the clips after it, possibly none.
    /// </summary>
    public static IEnumerable<VideoClip> ResumeAfter(IEnumerable<VideoClip> plan, int lastDoneClip, bool holdsVideoEnd) =>
        holdsVideoEnd ? ClipPlanner.After(plan, lastDoneClip) : plan.Where(c => c.Index > lastDoneClip);
}
