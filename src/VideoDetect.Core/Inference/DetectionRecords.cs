using System.Collections;
using VideoDetect.Errors;
using VideoDetect.Portable;

namespace VideoDetect.Inference;

/// <summary>
/// Rebuilds <see cref="Detection"/> and <see cref="FrameDetections"/> from the property bags they
/// become after a job, remoting, CliXml or JSON, exactly: timestamps to the tick, confidences as
/// the same float, frame indices as 64-bit, track ids (null stays null), Extras entries as plain
/// values. A bag lacking a property the type always has is an error, never a zero.
/// </summary>
public static class DetectionRecords
{
    public static Detection ToDetection(PropertyBag bag)
    {
        bag.Target = nameof(Detection);
        return new Detection
        {
            Path = bag.String(nameof(Detection.Path)),
            FrameIndex = bag.Int64(nameof(Detection.FrameIndex)),
            Timestamp = bag.TimeSpan(nameof(Detection.Timestamp), TimeSpan.Zero),
            Label = bag.String(nameof(Detection.Label), ""),
            ClassId = bag.Int32(nameof(Detection.ClassId)),
            Confidence = bag.Single(nameof(Detection.Confidence)),
            X = bag.Double(nameof(Detection.X)),
            Y = bag.Double(nameof(Detection.Y)),
            Width = bag.Double(nameof(Detection.Width)),
            Height = bag.Double(nameof(Detection.Height)),
            TrackId = bag.NullableInt32(nameof(Detection.TrackId)),
            Mask = bag.NullableString(nameof(Detection.Mask)),
            Appearance = bag.NullableString(nameof(Detection.Appearance)),
        };
    }

    public static FrameDetections ToFrameDetections(PropertyBag bag)
    {
        bag.Target = nameof(FrameDetections);
        var items = bag.List(nameof(FrameDetections.Detections));
        var detections = new Detection[items.Count];
        for (int i = 0; i < items.Count; i++) detections[i] = ItemOf(bag, items[i]);
        return new FrameDetections
        {
            Path = bag.String(nameof(FrameDetections.Path)),
            ClipIndex = bag.Int32(nameof(FrameDetections.ClipIndex), 0),
            FrameIndex = bag.Int64(nameof(FrameDetections.FrameIndex)),
            Timestamp = bag.TimeSpan(nameof(FrameDetections.Timestamp), TimeSpan.Zero),
            SourceWidth = bag.Int32(nameof(FrameDetections.SourceWidth), 0),
            SourceHeight = bag.Int32(nameof(FrameDetections.SourceHeight), 0),
            RecordingStart = bag.NullableDateTimeOffset(nameof(FrameDetections.RecordingStart)),
            Detections = detections,
            Extras = ExtrasOf(bag),
        };
    }

    private static Detection ItemOf(PropertyBag frame, object? item) => item switch
    {
        Detection live => live,
        PropertyBag bag => ToDetection(bag),
        IDictionary dict => ToDetection(PropertyBag.FromDictionary(dict)),
        // Serialised past its depth: each detection became its ToString() text.
        string text => throw new InputObjectNotRebuiltException(
            $"Cannot read this FrameDetections: its detections were serialised as text (\"{text}\"), deeper than the serialisation depth. " +
            "Import the module where it was serialised (its types give the depth), or pass -Depth 4 to Export-Clixml / ConvertTo-Json."),
        _ => throw frame.Wrong(nameof(FrameDetections.Detections), item, "a list of detections"),
    };

    private static Dictionary<string, object?>? ExtrasOf(PropertyBag bag)
    {
        if (!bag.TryGetValue(nameof(FrameDetections.Extras), out object? extras) || extras is null) return null;
        return extras switch
        {
            PropertyBag b => b.ToDictionary(),
            IDictionary d => PropertyBag.FromDictionary(d).ToDictionary(),
            _ => throw bag.Wrong(nameof(FrameDetections.Extras), extras, "a dictionary"),
        };
    }
}
