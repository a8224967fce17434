using System.Collections.Concurrent;
using System.Security.Cryptography;
using VideoDetect.Video;

namespace VideoDetect.Results;

/// <summary>
/// Which model file exactly: name, size and SHA-256, computed once per file version (path, size,
/// last-write time: <see cref="SourceIdentity"/>) and cached for the process, so a folder run hashes its model once.
/// </summary>
public static class ModelIdentity
{
    private static readonly ConcurrentDictionary<SourceIdentity, ModelHeader> Cache = new();

    /// <summary>The identity of the model at <paramref name="path"/>; a file that cannot be read gives its name only.</summary>
    public static ModelHeader Of(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return new ModelHeader { File = info.Name };
        return Cache.GetOrAdd(SourceIdentity.Of(info), _ =>
        {
            using var stream = File.OpenRead(info.FullName);
            return new ModelHeader { File = info.Name, Size = info.Length, Sha256 = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant() };
        });
    }
}
