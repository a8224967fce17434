using System.Globalization;
using System.Text;

namespace VideoDetect.Video;

/// <summary>What one shard is made of.</summary>
public enum ShardUnit
{
    /// <summary>Whole videos (the default): tracking and sequential decoding stay on one machine.</summary>
    Videos,
    /// <summary>Runs of consecutive clips: a long video is cut into up to n runs that may go to different shards.</summary>
    Clips,
}

/// <summary>Shard k of n (k from 0 to n−1, so Kubernetes' JOB_COMPLETION_INDEX plugs in directly).</summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>Parses "k/n"; <see cref="Errors.InvalidShardException"/> (InvalidShard) for anything else or k outside 0..n−1.</summary>
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            || n < 1 || k >= n)
            throw new Errors.InvalidShardException($"'{text}' is not a shard: write 'k/n' with 0 ≤ k < n (e.g. '0/4').");
        return new ShardSpec(k, n);
    }

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>One unit of work to place: a key every machine spells alike (the path relative to the root) and its frames.</summary>
public sealed record ShardItem(string Key, long Frames);

/// <summary>
/// Splits a listing into n disjoint shards whose union is the listing, balanced by frames, with no
/// coordinator: every machine computes the same assignment alone. Policy: items sorted by frames
/// (descending), ties by a stable hash of the key and then the key itself (ordinal), each placed on
/// the least-loaded shard so far (ties to the lower shard index) — the longest-processing-time
/// greedy. Deterministic across machines because the result depends only on the set of
/// (key, frames) pairs: not on the listing's order (it is sorted first), not on absolute paths
/// (keys are relative to the root, with '/' separators), not on the process (the hash is FNV-1a
/// over UTF-8, not string.GetHashCode, which is randomised per process). Frames come from the
/// probe, which is cached (<see cref="VideoIndexCache"/>), so each machine pays a probe per file
/// of the listing once, not per run.
/// </summary>
public static class ShardPlanner
{
    /// <summary>The shard (0..count−1) of each item, in the order given.</summary>
    public static int[] Assign(IReadOnlyList<ShardItem> items, int count)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "A listing is split into at least one shard.");
        var order = Enumerable.Range(0, items.Count)
            .OrderByDescending(i => items[i].Frames)
            .ThenBy(i => StableHash(items[i].Key))
            .ThenBy(i => items[i].Key, StringComparer.Ordinal)
            .ToArray();
        var load = new long[count];
        var shard = new int[items.Count];
        foreach (int i in order)
        {
            int least = 0;
            for (int s = 1; s < count; s++) if (load[s] < load[least]) least = s;
            shard[i] = least;
            load[least] += Math.Max(0, items[i].Frames);
        }
        return shard;
    }

    /// <summary>The items of <paramref name="shard"/>, in the order given.</summary>
    public static IEnumerable<T> Select<T>(IReadOnlyList<T> items, Func<T, ShardItem> describe, ShardSpec shard)
    {
        var assigned = Assign(items.Select(describe).ToList(), shard.Count);
        for (int i = 0; i < items.Count; i++) if (assigned[i] == shard.Index) yield return items[i];
    }

    /// <summary>Frames per shard and the balance figure (largest shard over the mean; 1 is perfect).</summary>
    public static (long[] Loads, double Balance) Loads(IReadOnlyList<ShardItem> items, int count)
    {
        var assigned = Assign(items, count);
        var loads = new long[count];
        for (int i = 0; i < items.Count; i++) loads[assigned[i]] += items[i].Frames;
        double mean = loads.Sum() / (double)count;
        return (loads, mean == 0 ? 1 : loads.Max() / mean);
    }

    /// <summary>
    /// Cuts one video's plan into runs of consecutive clips for <see cref="ShardUnit.Clips"/>: up to
    /// <paramref name="count"/> runs of about equal frames (a clip is never split). Each run is keyed
    /// "<paramref name="key"/>#r" so it is placed like a video. Each run edge costs tracking a restart
    /// (tracks crossing it end and get new ids on the other side) and the run a seek to its first clip.
    /// </summary>
    public static IReadOnlyList<(ShardItem Item, IReadOnlyList<VideoClip> Clips)> Runs(string key, IReadOnlyList<VideoClip> clips, int count)
    {
        var runs = new List<(ShardItem, IReadOnlyList<VideoClip>)>();
        long total = clips.Sum(c => c.FrameCount);
        if (clips.Count == 0) return runs;
        long target = Math.Max(1, (total + count - 1) / count);
        var current = new List<VideoClip>();
        long frames = 0;
        foreach (var clip in clips)
        {
            current.Add(clip);
            frames += clip.FrameCount;
            if (frames >= target && runs.Count < count - 1)
            {
                runs.Add((new ShardItem($"{key}#{runs.Count}", frames), current));
                current = new List<VideoClip>();
                frames = 0;
            }
        }
        if (current.Count > 0) runs.Add((new ShardItem($"{key}#{runs.Count}", frames), current));
        return runs;
    }

    /// <summary>
    /// The key that places <paramref name="fullPath"/> on a shard: the path relative to
    /// <paramref name="root"/> (<see cref="SourceIdentity.RelativePath"/>, '/' separators); without a
    /// root, or for a file outside it, the file name alone. Not the full path that
    /// <see cref="SourceIdentity"/> falls back to, on purpose: every machine computes its shard alone
    /// from its own listing, and machines that mount one folder at different paths must agree on every
    /// key or the shards overlap and leave files out. The file name is the only part of the path they
    /// share without a root; files named alike in two folders then share a key
    /// (<see cref="ShardUnits.SharedKeys"/>, which Split-VideoClip warns about).
    /// </summary>
    public static string KeyOf(string fullPath, string? root) =>
        (root is null ? null : SourceIdentity.RelativePath(fullPath, root)) ?? System.IO.Path.GetFileName(fullPath);

    /// <summary>64-bit FNV-1a of the UTF-8 bytes: the same on every machine and in every process.</summary>
    public static ulong StableHash(string key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
