using System.Text.Json;

namespace VideoDetect.Results;

/// <summary>
/// How much of a partial file holds whole clips: the last clip appended, its last frame, and the
/// file's length after it. Written beside the partial file (<c>.checkpoint</c>) after each clip is
/// flushed, by a rename, so it never names bytes that are not on disk; a crash in between leaves the
/// previous checkpoint, and the bytes after its length (part of a clip) are cut off on resume.
/// </summary>
public sealed record ResultCheckpoint(int ClipIndex, long LastFrame, long Length)
{
    public static ResultCheckpoint Empty(long length) => new(-1, -1, length);

    public void Save(string path)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, ResultHeader.Json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The checkpoint at <paramref name="path"/>, or null when it is missing or unreadable.</summary>
    public static ResultCheckpoint? Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ResultCheckpoint>(File.ReadAllText(path), ResultHeader.Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public static void Delete(string path)
    {
        try { File.Delete(path); File.Delete(path + ".tmp"); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
