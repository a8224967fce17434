using VideoDetect.Batching;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>The one rule for frames not inferred (-SkipStatic held frames, -FrameStride gaps): <see cref="HeldFrames"/>.</summary>
public class HeldFramesTests
{
    private static readonly Detection Box = new() { Path = "v.avi", FrameIndex = 4, Label = "person", Confidence = 0.9f, X = 1, Y = 2, Width = 3, Height = 4 };

    private static FrameDetections Inferred(long index, params Detection[] boxes) => new() { Path = "v.avi", FrameIndex = index, Detections = boxes };

    [Fact]
    public void An_inferred_frame_shows_its_own_detections_with_or_without_hold()
    {
        var frame = Inferred(4, Box);
        var earlier = new[] { Box with { X = 50 } };
        Assert.Same(frame.Detections, HeldFrames.Shown(frame, earlier, hold: true));
        Assert.Same(frame.Detections, HeldFrames.Shown(frame, earlier, hold: false));
        var empty = Inferred(5);
        Assert.Empty(HeldFrames.Shown(empty, earlier, hold: true)); // inferred and empty: nothing, not the earlier boxes
    }

    [Fact]
    public void A_held_frame_and_a_stride_gap_follow_one_rule()
    {
        var inferred = Inferred(4, Box);
        var held = HeldFrames.Hold(inferred, new HeldFrame(5, TimeSpan.FromSeconds(1)));
        Assert.True(HeldFrames.IsHeld(held));
        Assert.False(HeldFrames.IsHeld(inferred));
        // Holding: both show the last inferred frame's boxes.
        Assert.Equal(Box.X, Assert.Single(HeldFrames.Shown(held, inferred.Detections, hold: true)).X);
        Assert.Same(inferred.Detections, HeldFrames.Shown(null, inferred.Detections, hold: true));
        // Not holding (-NoHold): both show none.
        Assert.Empty(HeldFrames.Shown(held, inferred.Detections, hold: false));
        Assert.Empty(HeldFrames.Shown(null, inferred.Detections, hold: false));
    }

    [Fact]
    public void Hold_copies_every_property_but_the_frames_own_and_leaves_the_inferred_frame_as_it_was()
    {
        var inferred = Inferred(4, Box with { TrackId = 7, Mask = "1,2 3,4 5,6", Timestamp = TimeSpan.FromSeconds(0.5) }) with
        {
            ClipIndex = 2, Timestamp = TimeSpan.FromSeconds(0.5), SourceWidth = 320, SourceHeight = 240,
            Extras = new Dictionary<string, object?> { ["Region"] = "door" },
            Run = new DetectionRun { ModelPath = "m.onnx" },
            RecordingStart = new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.FromHours(1)),
        };
        var held = HeldFrames.Hold(inferred, new HeldFrame(6, TimeSpan.FromSeconds(1.5)));

        var frameOwn = new[] { nameof(FrameDetections.FrameIndex), nameof(FrameDetections.Timestamp), nameof(FrameDetections.StartedAt), nameof(FrameDetections.Detections), nameof(FrameDetections.Extras) };
        foreach (var p in typeof(FrameDetections).GetProperties().Where(p => !frameOwn.Contains(p.Name)))
            Assert.True(Equals(p.GetValue(inferred), p.GetValue(held)), $"Hold changed FrameDetections.{p.Name}.");
        var d = Assert.Single(held.Detections);
        Assert.Equal((6L, TimeSpan.FromSeconds(1.5)), (d.FrameIndex, d.Timestamp));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 22, 0, 1, 500, TimeSpan.FromHours(1)), held.StartedAt); // its own time of day
        foreach (var p in typeof(Detection).GetProperties().Where(p => p.Name is not (nameof(Detection.FrameIndex) or nameof(Detection.Timestamp))))
            Assert.True(Equals(p.GetValue(inferred.Detections[0]), p.GetValue(d)), $"Hold changed Detection.{p.Name}.");
        Assert.Equal(("door", 4L), (held.Extras!["Region"], held.Extras[HeldFrames.HeldFromExtra]));
        // The inferred frame is not changed: its detections and extras are its own.
        Assert.Equal(4L, inferred.Detections[0].FrameIndex);
        Assert.False(inferred.Extras!.ContainsKey(HeldFrames.HeldFromExtra));
        Assert.NotSame(inferred.Detections[0], d);
    }

    [Theory]
    [InlineData(9, 10, 1, true)]    // every frame: the last one is there
    [InlineData(8, 10, 1, false)]
    [InlineData(60, 64, 4, true)]   // stride 4: frames 61..63 are a gap after the last sampled one
    [InlineData(59, 64, 4, false)]
    [InlineData(63, 64, 4, true)]   // held frames reach the last frame
    [InlineData(9, 10, 0, true)]    // no stride recorded: every frame
    public void Covers_a_source_when_its_last_frame_or_its_last_sampled_one_is_there(long last, long count, int stride, bool covers)
    {
        Assert.Equal(covers, HeldFrames.Covers(last, count, stride));
    }
}
