using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using VideoDetect.Events;

namespace VideoDetect.Notify;

/// <summary>
/// The JSON message Send-DetectionEvent sends for one event: a flat object, camelCase, written field
/// by field so the payload is stable whatever the record gains (a test checks that every property of
/// <see cref="DetectionEvent"/> has its field). <c>type</c> is "new" (the event opened, Frigate's
/// new) or "end" (it closed); <c>version</c> is this layout's number. Times in the source are
/// seconds (<c>startTime</c>, <c>endTime</c>, <c>duration</c>); times of day are ISO 8601 with their
/// offset (<c>startedAt</c>, <c>endedAt</c>, null when the recording start is unknown).
/// </summary>
public static class EventPayload
{
    /// <summary>The layout's version, sent as <c>version</c>.</summary>
    public const int Version = 1;
    public const string New = "new";
    public const string End = "end";

    /// <summary>"new" for an event that just opened (<see cref="DetectionEvent.IsOpen"/>), else "end".</summary>
    public static string TypeOf(DetectionEvent e) => e.IsOpen ? New : End;

    /// <summary>The UTF-8 JSON of <paramref name="e"/>.</summary>
    public static byte[] ToJson(DetectionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        // Relaxed escaping: '+' of an offset and non-ASCII labels stay as they are (the payload is never embedded in HTML).
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("type", TypeOf(e));
            w.WriteNumber("version", Version);
            w.WriteString("kind", e.Kind);
            w.WriteString("path", e.Path);
            w.WriteString("label", e.Label);
            w.WriteNumber("classId", e.ClassId);
            Nullable(w, "trackId", e.TrackId);
            w.WriteString("region", e.Region);
            w.WriteString("line", e.Line);
            w.WriteString("direction", e.Direction);
            w.WriteNumber("startFrame", e.StartFrame);
            w.WriteNumber("endFrame", e.EndFrame);
            w.WriteNumber("startTime", e.StartTime.TotalSeconds);
            w.WriteNumber("endTime", e.EndTime.TotalSeconds);
            w.WriteNumber("duration", e.Duration.TotalSeconds);
            Time(w, "startedAt", e.StartedAt);
            Time(w, "endedAt", e.EndedAt);
            w.WriteNumber("frameCount", e.FrameCount);
            w.WriteNumber("maxConfidence", e.MaxConfidence);
            w.WriteNumber("peakFrame", e.PeakFrame);
            w.WriteNumber("x", e.X);
            w.WriteNumber("y", e.Y);
            w.WriteNumber("width", e.Width);
            w.WriteNumber("height", e.Height);
            w.WriteBoolean("stationary", e.Stationary);
            w.WriteBoolean("isOpen", e.IsOpen);
            w.WriteString("snapshotPath", e.SnapshotPath);
            w.WriteString("clipPath", e.ClipPath);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Nullable(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    /// <summary>ISO 8601 with fractional seconds and the offset ("2026-12-05T10:32:34.1230000+01:00").</summary>
    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } t) w.WriteString(name, t.ToString("o", CultureInfo.InvariantCulture));
        else w.WriteNull(name);
    }
}
