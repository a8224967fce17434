using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VideoDetect.Video;

/// <summary>
/// Remembers what probing learned about a file (frame count, timestamps), keyed by full path, size
/// and last write time (<see cref="SourceIdentity"/>), so later stages and later runs do not decode again. Entries live in memory for
/// the process and, unless disabled, as small JSON files in a cache directory so that a scheduled task
/// running tomorrow does not pay again either. The disk copy is an optimisation only: any failure to
/// read or write it is ignored, and a stale or corrupt entry is simply re-probed.
/// <para>
/// Key frames (where a seek is cheap, found by a raw-packet pass in Batching) are kept with the
/// entry: the same file identity, the same invalidation, and a new probe of the file drops them.
/// </para>
/// </summary>
public sealed class VideoIndexCache
{
    /// <summary>Environment variable naming the cache directory; "off" disables the disk cache.</summary>
    public const string DirectoryVariable = "VIDEODETECT_CACHE";

    private const int FormatVersion = 1;
    private static readonly Lazy<VideoIndexCache> SharedCache = new(() => new VideoIndexCache(DefaultDirectory()));
    private readonly ConcurrentDictionary<string, ProbedVideo> _memory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KeyFrameList> _keyFrames = new(StringComparer.Ordinal);

    /// <param name="directory">Where to keep the disk copy; null keeps entries in memory only.</param>
    public VideoIndexCache(string? directory) => Directory = directory;

    /// <summary>The process-wide cache every cmdlet uses.</summary>
    public static VideoIndexCache Shared => SharedCache.Value;

    /// <summary>The disk cache directory, or null when entries live in memory only.</summary>
    public string? Directory { get; }

    /// <summary>Number of entries in memory.</summary>
    public int Count => _memory.Count;

    /// <summary>The entry for this exact file version, or null.</summary>
    public ProbedVideo? TryGet(FileInfo file)
    {
        if (_memory.TryGetValue(file.FullName, out var hit) && Matches(hit.Info, file)) return hit;
        var fromDisk = ReadDisk(file);
        if (fromDisk is not null) _memory[file.FullName] = fromDisk;
        return fromDisk;
    }

    public void Store(FileInfo file, ProbedVideo probed)
    {
        _memory[file.FullName] = probed;
        _keyFrames.TryRemove(file.FullName, out _); // frame numbers of the old index
        WriteDisk(file, probed, null);
    }

    /// <summary>
    /// The key frames stored for this exact file version and an index of <paramref name="index"/>'s
    /// length: true and the ascending frame indices, or true and null when the container was found not
    /// to tell; false when nothing is stored.
    /// </summary>
    public bool TryGetKeyFrames(FileInfo file, VideoIndex index, out long[]? keyFrames)
    {
        keyFrames = null;
        if (!_keyFrames.TryGetValue(file.FullName, out var hit) || !hit.Matches(file, index))
        {
            if (TryGet(file) is null || !_keyFrames.TryGetValue(file.FullName, out hit) || !hit.Matches(file, index)) return false;
        }
        keyFrames = hit.Frames;
        return true;
    }

    /// <summary>Stores a video's key frames (null: the container does not tell) beside its entry, in memory and on disk.</summary>
    public void StoreKeyFrames(FileInfo file, VideoIndex index, long[]? keyFrames)
    {
        var list = new KeyFrameList(SourceIdentity.Of(file), index.FrameCount, keyFrames);
        _keyFrames[file.FullName] = list;
        if (_memory.TryGetValue(file.FullName, out var probed) && Matches(probed.Info, file) && probed.Index.FrameCount == index.FrameCount)
            WriteDisk(file, probed, list);
    }

    private static bool Matches(VideoInfo info, FileInfo file) => SourceIdentity.Of(info).IsSameVersionAs(SourceIdentity.Of(file));

    private static string? DefaultDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (string.Equals(configured, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrEmpty(configured)) return configured;
        string? root = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return string.IsNullOrEmpty(root) ? null : System.IO.Path.Combine(root, "VideoDetect", "index");
    }

    private string? EntryPath(FileInfo file)
    {
        if (Directory is null) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(file.FullName));
        return System.IO.Path.Combine(Directory, Convert.ToHexString(hash, 0, 16) + ".json");
    }

    private ProbedVideo? ReadDisk(FileInfo file)
    {
        string? entryPath = EntryPath(file);
        if (entryPath is null || !File.Exists(entryPath)) return null;
        try
        {
            var dto = JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(entryPath));
            if (dto is null || dto.Version != FormatVersion || dto.Info is null || dto.Info.Path != file.FullName || !Matches(dto.Info, file))
                return null;
            var index = dto.TimestampsMs is { } ts
                ? VideoIndex.FromTimestamps(ts, dto.PeriodMs)
                : VideoIndex.ConstantRate(dto.Info.FrameCount, dto.StartMs, dto.PeriodMs);
            if (index.FrameCount != dto.Info.FrameCount) return null;
            if (dto.KeyFramesScanned)
                _keyFrames[file.FullName] = new KeyFrameList(SourceIdentity.Of(dto.Info), index.FrameCount, dto.KeyFrames);
            return new ProbedVideo(dto.Info, index);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    private void WriteDisk(FileInfo file, ProbedVideo probed, KeyFrameList? keyFrames)
    {
        string? entryPath = EntryPath(file);
        if (entryPath is null) return;
        var dto = new Entry
        {
            Version = FormatVersion,
            Info = probed.Info,
            StartMs = probed.Index.StartMs,
            PeriodMs = probed.Index.PeriodMs,
            TimestampsMs = probed.Index.RecordedTimestampsMs,
            KeyFramesScanned = keyFrames is not null,
            KeyFrames = keyFrames?.Frames,
        };
        string temp = entryPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory!);
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(dto));
            File.Move(temp, entryPath, overwrite: true); // atomic: readers see the old or the new entry
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception) { /* best effort */ }
        }
    }

    private sealed class Entry
    {
        public int Version { get; set; }
        public VideoInfo? Info { get; set; }
        public double StartMs { get; set; }
        public double PeriodMs { get; set; }
        public double[]? TimestampsMs { get; set; }
        public bool KeyFramesScanned { get; set; }
        public long[]? KeyFrames { get; set; }
    }

    /// <summary>Key frames of one file version, for an index of <see cref="FrameCount"/> frames.</summary>
    private sealed record KeyFrameList(SourceIdentity Version, long FrameCount, long[]? Frames)
    {
        public bool Matches(FileInfo file, VideoIndex index) =>
            Version.IsSameVersionAs(SourceIdentity.Of(file)) && FrameCount == index.FrameCount;
    }
}
