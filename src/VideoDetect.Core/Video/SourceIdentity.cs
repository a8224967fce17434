namespace VideoDetect.Video;

/// <summary>
/// Which file a result belongs to, as one stat sees it: the full path, the size and the last-write
/// time (UTC). The one definition the result store, resume and shards share: a source whose size or
/// last-write time changed is another source, and its results are made again.
/// </summary>
public sealed record SourceIdentity(string Path, long Size, DateTime LastWriteTimeUtc)
{
    /// <summary>The identity of the file at <paramref name="path"/> now (one stat); <see cref="FileNotFoundException"/> when it is gone.</summary>
    public static SourceIdentity Of(string path)
    {
        var info = new FileInfo(System.IO.Path.GetFullPath(path));
        if (!info.Exists) throw new FileNotFoundException($"'{info.FullName}' does not exist.", info.FullName);
        return new SourceIdentity(info.FullName, info.Length, DateTime.SpecifyKind(info.LastWriteTimeUtc, DateTimeKind.Utc));
    }

    /// <summary>What differs from <paramref name="other"/>, in words (empty when nothing does).</summary>
    public IEnumerable<string> DifferencesFrom(SourceIdentity other)
    {
        if (!string.Equals(Path, other.Path, StringComparison.Ordinal)) yield return $"path '{other.Path}' ≠ '{Path}'";
        if (Size != other.Size) yield return $"size {other.Size} ≠ {Size} bytes";
        if (LastWriteTimeUtc != other.LastWriteTimeUtc) yield return $"last written {other.LastWriteTimeUtc:O} ≠ {LastWriteTimeUtc:O}";
    }

    public override string ToString() => $"{Path} ({Size} bytes, {LastWriteTimeUtc:O})";
}
