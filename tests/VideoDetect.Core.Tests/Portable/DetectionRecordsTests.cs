using System.Collections;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Portable;
using Xunit;

namespace VideoDetect.Tests.Portable;

/// <summary>
/// FrameDetections and Detection read back from the bags CliXml and JSON give: every field exact.
/// The bags here are built as PowerShell's PSObject → bag step builds them (the Pester tests run
/// the real Export-Clixml, ConvertTo-Json and Start-Job).
/// </summary>
public class DetectionRecordsTests
{
    private static readonly TimeSpan Time = TimeSpan.FromTicks(50_000_000_123L);

    private static Detection Live(int? track) => new()
    {
        Path = "/v/a.mp4", FrameIndex = 5_000_000_001L, Timestamp = Time, Label = "face", ClassId = 3,
        Confidence = 0.87654321f, X = 10.25, Y = 0.1 + 0.2, Width = 33.3, Height = 1e-7, TrackId = track,
        Mask = track is null ? null : "1,2 3,4 5,6.5",
        Appearance = track is null ? null : AppearanceDescriptor.Encode(AppearanceKind.Embedding, new float[] { 0.5f, -0.25f, 0.1f }),
    };

    private static PropertyBag Bag(Dictionary<string, object?> values, string? type = null) =>
        new(values, type is null ? null : new[] { PropertyBag.DeserializedPrefix + type, "Deserialized.System.Object" });

    /// <summary>A Detection as ConvertFrom-Json gives it: Int64 for whole numbers, Double for fractions, Timestamp an object with Ticks.</summary>
    private static PropertyBag Json(Detection d) => Bag(new()
    {
        ["Path"] = d.Path, ["FrameIndex"] = d.FrameIndex, ["Label"] = d.Label, ["ClassId"] = (long)d.ClassId,
        ["Timestamp"] = Bag(new() { ["Ticks"] = d.Timestamp.Ticks, ["TotalSeconds"] = d.Timestamp.TotalSeconds }),
        ["Confidence"] = double.Parse(d.Confidence.ToString("R")), ["X"] = d.X, ["Y"] = d.Y, ["Width"] = d.Width, ["Height"] = d.Height,
        ["TrackId"] = d.TrackId is { } t ? (long)t : null, ["Mask"] = d.Mask, ["Appearance"] = d.Appearance,
    });

    /// <summary>A Detection as CliXml gives it: the .NET types kept, the type name marked Deserialized.</summary>
    private static PropertyBag CliXml(Detection d) => Bag(new()
    {
        ["Path"] = d.Path, ["FrameIndex"] = d.FrameIndex, ["Timestamp"] = d.Timestamp, ["Label"] = d.Label, ["ClassId"] = d.ClassId,
        ["Confidence"] = d.Confidence, ["X"] = d.X, ["Y"] = d.Y, ["Width"] = d.Width, ["Height"] = d.Height, ["TrackId"] = d.TrackId, ["Mask"] = d.Mask, ["Appearance"] = d.Appearance,
    }, "VideoDetect.Inference.Detection");

    private static void AssertSame(Detection expected, Detection actual)
    {
        Assert.Equal(expected.Path, actual.Path);
        Assert.Equal(expected.FrameIndex, actual.FrameIndex);
        Assert.Equal(expected.Timestamp.Ticks, actual.Timestamp.Ticks);
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.ClassId, actual.ClassId);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Confidence), BitConverter.SingleToInt32Bits(actual.Confidence));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.X), BitConverter.DoubleToInt64Bits(actual.X));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Y), BitConverter.DoubleToInt64Bits(actual.Y));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Width), BitConverter.DoubleToInt64Bits(actual.Width));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Height), BitConverter.DoubleToInt64Bits(actual.Height));
        Assert.Equal(expected.TrackId, actual.TrackId);
        Assert.Equal(expected.Mask, actual.Mask);
        Assert.Equal(expected.Appearance, actual.Appearance);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(null)]
    public void A_detection_comes_back_field_by_field_from_JSON_and_CliXml(int? track)
    {
        var live = Live(track);
        AssertSame(live, DetectionRecords.ToDetection(Json(live)));
        AssertSame(live, DetectionRecords.ToDetection(CliXml(live)));
    }

    [Fact]
    public void A_frame_comes_back_with_its_detections_and_extras_from_JSON_and_from_CliXml()
    {
        var a = Live(1);
        var b = Live(null);
        var json = Bag(new()
        {
            ["Path"] = "/v/a.mp4", ["ClipIndex"] = 4L, ["FrameIndex"] = 5_000_000_001L, ["Timestamp"] = Time.ToString(),
            ["SourceWidth"] = 1920L, ["SourceHeight"] = 1080L, ["Count"] = 2L,
            ["Detections"] = new object?[] { Json(a), Json(b) },
            ["Extras"] = Bag(new() { ["held"] = 5_000_000_000L, ["zone"] = "door", ["open"] = true }),
        });
        var clixml = Bag(new()
        {
            ["Path"] = "/v/a.mp4", ["ClipIndex"] = 4, ["FrameIndex"] = 5_000_000_001L, ["Timestamp"] = Time,
            ["SourceWidth"] = 1920, ["SourceHeight"] = 1080, ["Count"] = 2,
            ["Detections"] = new ArrayList { CliXml(a), CliXml(b) },
            ["Extras"] = new Hashtable { ["held"] = 5_000_000_000L, ["zone"] = "door", ["open"] = true },
        }, "VideoDetect.Inference.FrameDetections");
        foreach (var bag in new[] { json, clixml })
        {
            var f = DetectionRecords.ToFrameDetections(bag);
            Assert.Equal(("/v/a.mp4", 4, 5_000_000_001L, Time.Ticks, 1920, 1080), (f.Path, f.ClipIndex, f.FrameIndex, f.Timestamp.Ticks, f.SourceWidth, f.SourceHeight));
            Assert.Equal(2, f.Count);
            AssertSame(a, f.Detections[0]);
            AssertSame(b, f.Detections[1]);
            Assert.NotNull(f.Extras);
            Assert.Equal(5_000_000_000L, f.Extras!["held"]);
            Assert.Equal("door", f.Extras["zone"]);
            Assert.Equal(true, f.Extras["open"]);
        }
    }

    [Fact]
    public void A_detection_saved_before_appearance_existed_reads_with_none()
    {
        var old = Json(Live(1));
        var values = old.Names.Where(n => n != "Appearance").ToDictionary(n => n, n => { old.TryGetValue(n, out var v); return v; });
        var d = DetectionRecords.ToDetection(Bag(values));
        Assert.Null(d.Appearance);
        Assert.Equal("1,2 3,4 5,6.5", d.Mask);
        Assert.NotNull(Live(1).Appearance); // the control: the live one has one
    }

    [Fact]
    public void A_frame_without_detections_and_without_extras_stays_so()
    {
        var f = DetectionRecords.ToFrameDetections(Bag(new() { ["Path"] = "p", ["FrameIndex"] = 3L, ["Detections"] = Array.Empty<object>(), ["Extras"] = null }));
        Assert.Empty(f.Detections);
        Assert.Null(f.Extras);
        Assert.Equal(3, f.FrameIndex);
    }

    [Fact]
    public void Detections_serialised_as_text_past_the_depth_are_an_error_that_says_so_not_an_empty_frame()
    {
        var bag = Bag(new() { ["Path"] = "p", ["FrameIndex"] = 3L, ["Detections"] = "face #1 87 % @ (10,0 33x0)" }, "VideoDetect.Inference.FrameDetections");
        var e = Assert.Throws<InputObjectNotRebuiltException>(() => DetectionRecords.ToFrameDetections(bag));
        Assert.Equal(ErrorIds.InputObjectNotRebuilt, e.ErrorId);
        Assert.Contains("-Depth", e.Message);
    }

    [Fact]
    public void A_detection_is_not_read_as_a_frame_and_a_missing_or_wrong_field_is_named()
    {
        // A Detection has Path and FrameIndex too: without Detections it is no frame (never an empty one).
        var e = Assert.Throws<InputObjectNotRebuiltException>(() => DetectionRecords.ToFrameDetections(Json(Live(1))));
        Assert.Contains("'Detections'", e.Message);
        var wrong = Json(Live(1));
        var values = wrong.Names.ToDictionary(n => n, n => { wrong.TryGetValue(n, out var v); return v; });
        values["FrameIndex"] = 2.5;
        var e2 = Assert.Throws<InputObjectNotRebuiltException>(() => DetectionRecords.ToDetection(Bag(values)));
        Assert.Contains("'FrameIndex' is 2.5", e2.Message);
        values.Remove("Confidence");
        values["FrameIndex"] = 2L;
        Assert.Contains("no 'Confidence'", Assert.Throws<InputObjectNotRebuiltException>(() => DetectionRecords.ToDetection(Bag(values))).Message);
    }
}

/// <summary>Clips read back through the same bag readers (what ConvertTo-FrameBatch's clip attribute uses).</summary>
public class ClipRecordsTests
{
    [Fact]
    public void A_clip_comes_back_from_JSON_with_its_frames_and_times_and_a_bag_without_its_frames_is_refused()
    {
        var json = new PropertyBag(new Dictionary<string, object?>
        {
            ["Path"] = "/v/a.mp4", ["Index"] = 2L, ["StartFrame"] = 4_294_967_296L, ["EndFrame"] = 4_294_967_360L,
            ["StartTime"] = new PropertyBag(new Dictionary<string, object?> { ["Ticks"] = 1_717_986_918_400_000L }),
            ["EndTime"] = "1.23:45:06.7890123", ["IsPartial"] = true, ["FrameCount"] = 1L,
        });
        var clip = VideoDetect.Video.ClipRecords.ToClip(json);
        Assert.Equal(("/v/a.mp4", 2, 4_294_967_296L, 4_294_967_360L, 64L, true), (clip.Path, clip.Index, clip.StartFrame, clip.EndFrame, clip.FrameCount, clip.IsPartial));
        Assert.Equal(1_717_986_918_400_000L, clip.StartTime.Ticks);
        Assert.Equal(TimeSpan.ParseExact("1.23:45:06.7890123", "c", null), clip.EndTime);
        var e = Assert.Throws<InputObjectNotRebuiltException>(() => VideoDetect.Video.ClipRecords.ToClip(new PropertyBag(new Dictionary<string, object?> { ["Path"] = "/v/a.mp4", ["StartFrame"] = 0L })));
        Assert.Contains("no 'EndFrame'", e.Message);
    }

    [Theory]
    [InlineData(null, VideoDetect.Video.FrameSourceKind.File)]      // a clip from before the property existed
    [InlineData("Live", VideoDetect.Video.FrameSourceKind.Live)]     // CliXml and JSON with enums as strings
    [InlineData(1L, VideoDetect.Video.FrameSourceKind.Live)]        // ConvertTo-Json's default: the number
    public void A_clip_keeps_its_source_kind_across_a_process(object? kind, VideoDetect.Video.FrameSourceKind expected)
    {
        var values = new Dictionary<string, object?> { ["Path"] = "/v/a.mp4", ["StartFrame"] = 0L, ["EndFrame"] = 8L };
        if (kind is not null) values["SourceKind"] = kind;
        Assert.Equal(expected, VideoDetect.Video.ClipRecords.ToClip(new PropertyBag(values)).SourceKind);
    }

    [Fact]
    public void A_clip_with_an_unknown_source_kind_is_refused()
    {
        var bag = new PropertyBag(new Dictionary<string, object?> { ["Path"] = "/v/a.mp4", ["StartFrame"] = 0L, ["EndFrame"] = 8L, ["SourceKind"] = "Tape" });
        Assert.Contains("SourceKind", Assert.Throws<InputObjectNotRebuiltException>(() => VideoDetect.Video.ClipRecords.ToClip(bag)).Message);
    }
}
