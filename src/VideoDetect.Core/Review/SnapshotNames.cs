using System.Globalization;
using System.Text;
using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>
/// The file name of an event's snapshot, deterministic (the same event gives the same name in every
/// run) and unique per event of a video:
/// <c>&lt;video&gt;.&lt;label&gt;-&lt;track or n&gt;.&lt;start&gt;[.&lt;where&gt;][.crop].jpg</c>, e.g.
/// <c>cam1.person-3.000120.jpg</c>, <c>cam1.car-n.000042.Dock.jpg</c>, <c>cam1.person-3.000388.Gate-In.crop.jpg</c>.
/// <list type="bullet">
/// <item><c>&lt;video&gt;</c>: the source's file name without its extension (the module's naming rule for per-source outputs).</item>
/// <item><c>&lt;track or n&gt;</c>: the track id, or <c>n</c> for an untracked (per-label) event.</item>
/// <item><c>&lt;start&gt;</c>: the event's <see cref="DetectionEvent.StartFrame"/>, six digits at least (so names sort by time).</item>
/// <item><c>&lt;where&gt;</c>: the region of a presence event in a region, or <c>&lt;line&gt;-&lt;In|Out&gt;</c> of a crossing.</item>
/// </list>
/// Two events of one track never share a start frame in one region or on one line (an event ends
/// before the next of its key begins), so the name is unique per event. Label, region and line names
/// come from models and users: every character that is not a letter, a digit, '-' or '_' becomes '_'.
/// </summary>
public static class SnapshotNames
{
    public const string Extension = ".jpg";
    public const string CropSuffix = ".crop";

    /// <summary>The snapshot's file name for <paramref name="e"/> (<paramref name="crop"/>: the box region's).</summary>
    public static string For(DetectionEvent e, bool crop = false) => Stem(e) + (crop ? CropSuffix : "") + Extension;

    /// <summary>The name without extension shared by every file written for <paramref name="e"/> (snapshot, clip).</summary>
    public static string Stem(DetectionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var inv = CultureInfo.InvariantCulture;
        var name = new StringBuilder();
        name.Append(Path.GetFileNameWithoutExtension(e.Path)).Append('.');
        name.Append(Safe(e.Label)).Append('-').Append(e.TrackId is { } id ? id.ToString(inv) : "n").Append('.');
        name.Append(e.StartFrame.ToString("D6", inv));
        if (e.Kind == DetectionEvent.Crossing && e.Line is not null) name.Append('.').Append(Safe(e.Line)).Append('-').Append(Safe(e.Direction ?? ""));
        else if (e.Region is not null) name.Append('.').Append(Safe(e.Region));
        return name.ToString();
    }

    /// <summary>A name part safe in a file name on every system: letters, digits, '-' and '_' kept, the rest '_'.</summary>
    public static string Safe(string text)
    {
        if (string.IsNullOrEmpty(text)) return "_";
        var safe = new StringBuilder(text.Length);
        foreach (char c in text) safe.Append(char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return safe.ToString();
    }
}
