using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Export;

/// <summary>Export-AnnotatedVideo draws frames not inferred by one rule: -SkipStatic held frames and -FrameStride gaps alike.</summary>
public class HeldFrameRenderingTests
{
    private static readonly Detection[] Boxes = { new() { Label = "person", Confidence = 0.9f, X = 150, Y = 120, Width = 70, Height = 60 } };

    /// <summary>Frames 0..4 of a synthetic video: 0 and 4 inferred with a box, 1..3 held from 0 (-SkipStatic); true per frame where the box is drawn.</summary>
    private static bool[] BoxedFrames(bool hold)
    {
        using var dir = new TempDir();
        string path = dir.File("source.avi");
        SyntheticVideo.Write(path, 10, "MJPG", 25);
        var source = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var first = new FrameDetections { Path = path, FrameIndex = 0, SourceWidth = SyntheticVideo.Width, SourceHeight = SyntheticVideo.Height, Detections = Boxes };
        string target = dir.File("out.avi");
        using (var writer = new AnnotatedVideoWriter(source, target, new EncoderChoice(VideoCodec.Mjpg, null), new AnnotationOptions { HoldDetections = hold }))
        {
            writer.Add(first);
            for (long i = 1; i <= 3; i++) writer.Add(HeldFrames.Hold(first, new HeldFrame(i, TimeSpan.Zero)));
            writer.Add(first with { FrameIndex = 4 });
            writer.Commit();
        }
        using var cap = new VideoCapture(target, VideoCaptureAPIs.FFMPEG);
        using var frame = new Mat();
        using var plain = new Mat(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
        var boxed = new List<bool>();
        for (int k = 0; cap.Read(frame) && !frame.Empty(); k++)
        {
            SyntheticVideo.Draw(plain, k);
            var drawn = frame.At<Vec3b>(150, 150);
            var clean = plain.At<Vec3b>(150, 150);
            int diff = Math.Abs(drawn.Item0 - clean.Item0) + Math.Abs(drawn.Item1 - clean.Item1) + Math.Abs(drawn.Item2 - clean.Item2);
            Assert.True(diff > 60 || diff < 40, $"frame {k}: neither boxed nor clean ({diff})");
            boxed.Add(diff > 60);
        }
        return boxed.ToArray();
    }

    [Fact]
    public void Held_frames_carry_the_boxes_by_default()
    {
        Assert.Equal(new[] { true, true, true, true, true }, BoxedFrames(hold: true));
    }

    [Fact]
    public void NoHold_blanks_held_frames_as_it_blanks_stride_gaps()
    {
        Assert.Equal(new[] { true, false, false, false, true }, BoxedFrames(hold: false));
    }
}
