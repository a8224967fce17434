using System.Buffers;
using System.Text.Json;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// One frame as one JSON Lines record (System.Text.Json): <c>clipIndex</c>, <c>frameIndex</c>,
/// <c>timestamp</c> (seconds, exact to the tick), <c>sourceWidth</c>, <c>sourceHeight</c>,
/// <c>detections</c> (label, classId, confidence, x, y, width, height, trackId when tracked, mask and
/// appearance when set: a record without them, from an earlier version, reads as none) and
/// <c>extras</c> when set. Numbers are written in their shortest round-trip form, so reading gives
/// back the same values. The source path lives in the header, not in every record.
/// </summary>
public static class JsonLinesCodec
{
    private const decimal TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>Appends the record of <paramref name="frame"/> and a newline to <paramref name="buffer"/>.</summary>
    public static void Write(IBufferWriter<byte> buffer, FrameDetections frame)
    {
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false }))
        {
            w.WriteStartObject();
            w.WriteNumber("clipIndex", frame.ClipIndex);
            w.WriteNumber("frameIndex", frame.FrameIndex);
            w.WriteNumber("timestamp", frame.Timestamp.Ticks / TicksPerSecond);
            w.WriteNumber("sourceWidth", frame.SourceWidth);
            w.WriteNumber("sourceHeight", frame.SourceHeight);
            w.WriteStartArray("detections");
            foreach (var d in frame.Detections)
            {
                w.WriteStartObject();
                w.WriteString("label", d.Label);
                w.WriteNumber("classId", d.ClassId);
                w.WriteNumber("confidence", d.Confidence);
                w.WriteNumber("x", d.X);
                w.WriteNumber("y", d.Y);
                w.WriteNumber("width", d.Width);
                w.WriteNumber("height", d.Height);
                if (d.TrackId is { } id) w.WriteNumber("trackId", id);
                if (d.Mask is { } mask) w.WriteString("mask", mask);
                if (d.Appearance is { } look) w.WriteString("appearance", look);
                if (d.Stationary)
                {
                    w.WriteBoolean("stationary", true);
                    if (d.StationarySince is { } since) w.WriteNumber("stationarySince", since);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (frame.Extras is { } extras)
            {
                w.WritePropertyName("extras");
                ExtrasCodec.Write(w, extras);
            }
            w.WriteEndObject();
        }
        buffer.Write("\n"u8);
    }

    /// <summary>Reads one record (a line without its newline) of <paramref name="path"/>; <see cref="JsonException"/> or <see cref="InvalidDataException"/> when it is not one.</summary>
    public static FrameDetections Read(ReadOnlySpan<byte> line, string path, DetectionRun? run)
    {
        var reader = new Utf8JsonReader(line);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("A frame record is a JSON object.");
        var frame = new FrameDetections
        {
            Path = path,
            ClipIndex = root.GetProperty("clipIndex").GetInt32(),
            FrameIndex = root.GetProperty("frameIndex").GetInt64(),
            Timestamp = new TimeSpan((long)(root.GetProperty("timestamp").GetDecimal() * TicksPerSecond)),
            SourceWidth = root.GetProperty("sourceWidth").GetInt32(),
            SourceHeight = root.GetProperty("sourceHeight").GetInt32(),
            Run = run,
        };
        var list = root.GetProperty("detections");
        var detections = new Detection[list.GetArrayLength()];
        int i = 0;
        foreach (var d in list.EnumerateArray())
        {
            detections[i++] = new Detection
            {
                Path = path,
                FrameIndex = frame.FrameIndex,
                Timestamp = frame.Timestamp,
                Label = d.GetProperty("label").GetString() ?? "",
                ClassId = d.GetProperty("classId").GetInt32(),
                Confidence = d.GetProperty("confidence").GetSingle(),
                X = d.GetProperty("x").GetDouble(),
                Y = d.GetProperty("y").GetDouble(),
                Width = d.GetProperty("width").GetDouble(),
                Height = d.GetProperty("height").GetDouble(),
                TrackId = d.TryGetProperty("trackId", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : null,
                Mask = d.TryGetProperty("mask", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
                Appearance = d.TryGetProperty("appearance", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null,
                Stationary = d.TryGetProperty("stationary", out var st) && st.ValueKind == JsonValueKind.True,
                StationarySince = d.TryGetProperty("stationarySince", out var ss) && ss.ValueKind == JsonValueKind.Number ? ss.GetInt64() : null,
            };
        }
        frame.Detections = detections;
        if (root.TryGetProperty("extras", out var e) && e.ValueKind == JsonValueKind.Object) frame.Extras = ExtrasCodec.Read(e);
        return frame;
    }
}

/// <summary>
/// <see cref="FrameDetections.Extras"/> as a JSON object: strings, booleans, null and numbers (an
/// integral number reads back as <see cref="long"/>, any other as <see cref="double"/>); other
/// values are written as their string form.
/// </summary>
public static class ExtrasCodec
{
    public static void Write(Utf8JsonWriter w, IReadOnlyDictionary<string, object?> extras)
    {
        w.WriteStartObject();
        foreach (var (key, value) in extras)
        {
            w.WritePropertyName(key);
            switch (value)
            {
                case null: w.WriteNullValue(); break;
                case bool b: w.WriteBooleanValue(b); break;
                case string s: w.WriteStringValue(s); break;
                case sbyte or byte or short or ushort or int or uint or long: w.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case ulong u: w.WriteNumberValue(u); break;
                case float f: w.WriteNumberValue(f); break;
                case double d: w.WriteNumberValue(d); break;
                case decimal m: w.WriteNumberValue(m); break;
                default: w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
        w.WriteEndObject();
    }

    public static Dictionary<string, object?> Read(JsonElement e)
    {
        var extras = new Dictionary<string, object?>();
        foreach (var p in e.EnumerateObject())
        {
            extras[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => p.Value.TryGetInt64(out long l) ? (object)l : p.Value.GetDouble(),
                JsonValueKind.Null => null,
                _ => p.Value.GetRawText(),
            };
        }
        return extras;
    }

    /// <summary>The extras as compact JSON text (the CSV's Extras column).</summary>
    public static string ToJson(IReadOnlyDictionary<string, object?> extras)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) Write(w, extras);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Dictionary<string, object?> FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Read(doc.RootElement);
    }
}
