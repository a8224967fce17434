using System.Globalization;
using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>
/// The one naming rule of the files written per event (Export-EventClip's MP4s, Export-EventSnapshot's
/// JPEGs): <c>&lt;video&gt;.&lt;label&gt;-&lt;track or n&gt;.&lt;start frame&gt;.&lt;ext&gt;</c>, e.g.
/// <c>cam1.person-3.120.mp4</c>; an event without a track (a per-label event) has <c>n</c> there
/// (<c>cam1.car-n.40.jpg</c>). Deterministic, so a re-run finds (and with -Force replaces) what an
/// earlier run wrote. Characters a file name cannot hold (in a label from a model's metadata) become '_'.
/// </summary>
public static class EventFileName
{
    /// <summary>The file name (no folder) for <paramref name="e"/> with <paramref name="extension"/> (".mp4", ".jpg").</summary>
    public static string Of(DetectionEvent e, string extension)
    {
        ArgumentNullException.ThrowIfNull(e);
        string video = Path.GetFileNameWithoutExtension(e.Path);
        string track = e.TrackId is { } id ? id.ToString(CultureInfo.InvariantCulture) : "n";
        return Safe($"{video}.{Safe(e.Label)}-{track}.{e.StartFrame.ToString(CultureInfo.InvariantCulture)}") + extension;
    }

    private static readonly char[] Invalid = Path.GetInvalidFileNameChars().Concat(new[] { '/', '\\', ':', '*', '?', '"', '<', '>', '|' }).Distinct().ToArray();

    private static string Safe(string text)
    {
        if (text.Length == 0) return "_";
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (Array.IndexOf(Invalid, chars[i]) >= 0 || char.IsControl(chars[i])) chars[i] = '_';
        return new string(chars);
    }
}
