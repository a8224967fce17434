using System.Text;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Tracking;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>Export-FrameDetection -Format Mot: the MOTChallenge lines, which boxes they hold, and the file's all-or-nothing commit.</summary>
public class MotExportTests
{
    private static Detection D(int? track, double x, float confidence = 0.5f) =>
        new() { Path = "v.mp4", Label = "person", X = x, Y = 20.004, Width = 10.5, Height = 1.0 / 3, Confidence = confidence, TrackId = track };

    private static FrameDetections Frame(long index, bool tracked, params Detection[] detections) => new()
    {
        Path = "v.mp4", FrameIndex = index, Detections = detections,
        Extras = tracked ? new Dictionary<string, object?> { [TrackAssigner.TrackedExtra] = "ByteTrack" } : null,
    };

    [Fact]
    public void A_tracked_frame_writes_its_tracked_boxes_from_frame_1_and_leaves_out_the_rest()
    {
        var text = new StringBuilder();
        Assert.Equal(2, MotFormat.Append(text, Frame(0, true, D(3, 1.006, 0.87654f), D(null, 5), D(12, 100))));
        Assert.Equal("1,3,1.01,20,10.5,0.33,0.8765,-1,-1,-1\n1,12,100,20,10.5,0.33,0.5,-1,-1,-1\n", text.ToString());
    }

    [Fact]
    public void An_untracked_frame_writes_every_box_with_id_minus_1_as_a_detection_file_does()
    {
        var text = new StringBuilder();
        Assert.Equal(2, MotFormat.Append(text, Frame(41, false, D(null, 7), D(null, 8.125))));
        Assert.Equal("42,-1,7,20,10.5,0.33,0.5,-1,-1,-1\n42,-1,8.13,20,10.5,0.33,0.5,-1,-1,-1\n", text.ToString());
        Assert.Equal(0, MotFormat.Append(text, Frame(42, true))); // an empty frame: no line
    }

    [Fact]
    public void The_tracked_mark_is_the_one_the_tracker_sets()
    {
        Assert.Equal(TrackAssigner.TrackedExtra, MotFormat.TrackedExtra);
        var tracked = new TrackAssigner().Process(Frame(0, false, D(null, 1)));
        Assert.True(tracked.Extras!.ContainsKey(MotFormat.TrackedExtra));
    }

    [Fact]
    public void The_file_appears_only_when_committed_and_an_abandoned_one_leaves_nothing()
    {
        using var dir = new TempDir();
        var location = OutputLocation.ForDirectory(dir.File("out"));
        var sink = new MotExport(force: false);
        var claims = new OutputClaims(location, force: false);
        string target = sink.Claim(claims, "/videos/cam1.mp4");
        Assert.Equal(Path.Combine(dir.File("out"), "cam1.mot.txt"), target);
        using (var output = sink.Open(new SinkTarget("/videos/cam1.mp4", target, location, 0), Frame(0, true)))
        {
            Assert.True(output.Add(Frame(0, true, D(1, 2))));
            Assert.True(output.Add(Frame(2, true, D(1, 3))));
            Assert.Throws<FrameOutOfOrderException>(() => output.Add(Frame(2, true, D(1, 3))));
            Assert.False(File.Exists(target));
            Assert.True(output.Seal());
            var result = Assert.IsType<MotResult>(output.Commit());
            Assert.Equal((2L, 2L), (result.Frames, result.Lines));
        }
        Assert.Equal("1,1,2,20,10.5,0.33,0.5,-1,-1,-1\n3,1,3,20,10.5,0.33,0.5,-1,-1,-1\n", File.ReadAllText(target));

        string second = sink.Claim(new OutputClaims(location, force: true), "/videos/cam2.mp4");
        using (var abandoned = sink.Open(new SinkTarget("/videos/cam2.mp4", second, location, 0), Frame(0, false)))
            abandoned.Add(Frame(0, false, D(null, 1)));
        Assert.Equal(new[] { "cam1.mot.txt" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName));
        Assert.Throws<OutputExistsException>(() => sink.Claim(new OutputClaims(location, force: false), "/videos/cam1.mp4"));
    }

    [Fact]
    public void The_result_store_does_not_take_the_MOT_format()
    {
        Assert.Throws<ArgumentException>(() => new FrameDetectionExport(new FrameDetectionExportOptions { Format = ResultFormat.Mot }));
        Assert.Equal(".mot.txt", ResultFiles.Suffix(ResultFormat.Mot));
    }
}
