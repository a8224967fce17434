using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;
using Xunit.Abstractions;

namespace VideoDetect.Tests.Tracking;

/// <summary>
/// Tracking and events on a synthetic sequence with known ground truth, through the real detector:
/// three people cut from vtest.avi's first frame walk on a blurred background along straight paths
/// (25 fps, 100 frames); two cross each other, the third passes behind an occluder for about a
/// second. All three are on screen only in frames 10..89. Reports IDF1 and identity switches.
/// </summary>
public class TrackingQualityTests(ITestOutputHelper output)
{
    private const int W = 768, H = 576, Frames = 100, First = 10, Last = 89;
    private static readonly Rect Occluder = new(240, 40, 120, 230);
    private const int Pad = 8;
    private static string Model => Path.Combine(Fixtures.SharedDirectory ?? "", "models", "yolox_nano.onnx");

    /// <summary>Where walker <paramref name="k"/> is in frame <paramref name="f"/> (left, top); null off screen.</summary>
    private static Point? Position(int k, int f) => f is < First or > Last ? null : k switch
    {
        0 => new Point(60 + 7 * (f - First), 330),           // left to right
        1 => new Point(640 - 7 * (f - First), 345),          // right to left, in front of walker 0
        _ => new Point(100 + 5 * (f - First), 110),          // behind the occluder for ~1 s
    };

    /// <summary>Builds the sequence; returns each walker's box per frame where at least half of it is visible.</summary>
    private static Dictionary<(int Walker, int Frame), Rect2d> Build(DetectionModel model, string path)
    {
        var persons = DetectorSceneTests.Detect(model, Fixtures.Video("vtest.avi"), 1).Single().Detections
            .Where(d => d.Confidence > 0.6f && d.Height > 60).OrderByDescending(d => d.Confidence).Take(3).ToList();
        Assert.Equal(3, persons.Count);
        using var cap = new VideoCapture(Fixtures.Video("vtest.avi"));
        using var source = new Mat();
        Assert.True(cap.Read(source));
        // Each person with a margin of street around them (context the detector expects).
        var crops = persons.Select(d => source[new Rect((int)d.X - Pad, (int)d.Y - Pad, (int)Math.Ceiling(d.Width) + 2 * Pad, (int)Math.Ceiling(d.Height) + 2 * Pad)].Clone()).ToList();
        using var background = new Mat();
        Cv2.GaussianBlur(source, background, new Size(0, 0), 40);
        var truth = new Dictionary<(int, int), Rect2d>();
        using var writer = new VideoWriter(path, FourCC.MJPG, 25, new Size(W, H));
        Assert.True(writer.IsOpened());
        using var frame = new Mat();
        for (int f = 0; f < Frames; f++)
        {
            background.CopyTo(frame);
            var boxes = new Rect?[3];
            for (int k = 0; k < 3; k++)
            {
                if (Position(k, f) is not { } p) continue;
                crops[k].CopyTo(frame[new Rect(p.X - Pad, p.Y - Pad, crops[k].Width, crops[k].Height)]);
                boxes[k] = new Rect(p.X, p.Y, crops[k].Width - 2 * Pad, crops[k].Height - 2 * Pad);
            }
            frame[Occluder].SetTo(new Scalar(90, 90, 95));
            for (int k = 0; k < 3; k++)
            {
                if (boxes[k] is not { } r) continue;
                double hidden = (r & Occluder).Width * (double)(r & Occluder).Height;
                if (k == 0 && boxes[1] is { } front) hidden += (r & front).Width * (double)(r & front).Height;
                if (hidden / (r.Width * r.Height) <= 0.5) truth[(k, f)] = new Rect2d(r.X, r.Y, r.Width, r.Height);
            }
            writer.Write(frame);
        }
        return truth;
    }

    [ModelsFact]
    public void ByteTrack_keeps_identities_through_a_crossing_and_an_occlusion_and_events_match_the_frame_range()
    {
        var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu });
        using var dir = new TempDir();
        string video = Path.Combine(dir.Path, "walkers.avi");
        var truth = Build(model, video);
        var frames = DetectorSceneTests.Detect(model, video, Frames);
        Assert.Equal(Frames, frames.Count);

        var untracked = new EventFolder(new EventOptions());
        var presence = frames.SelectMany(untracked.Add).ToList();
        presence.AddRange(untracked.Complete());
        var tracker = new TrackAssigner();
        frames = frames.ConvertAll(tracker.Process);

        var (idf1, switches, switchesBehindOccluder) = Score(truth, frames);
        output.WriteLine($"IDF1 {idf1:0.000}, identity switches {switches} ({switchesBehindOccluder} of the occluded walker), tracks {tracker.Current!.TrackCount}");
        foreach (var line in Log) output.WriteLine(line);
        var person = Assert.Single(presence, e => e.Label == "person" && e.FrameCount > 20);
        output.WriteLine($"untracked person event: frames {person.StartFrame}..{person.EndFrame} (people on screen {First}..{Last})");
        Assert.True(idf1 >= 0.8, $"IDF1 {idf1:0.000}");
        Assert.Equal(0, switchesBehindOccluder);
        Assert.InRange(person.StartFrame, First - 3, First + 3);
        Assert.InRange(person.EndFrame, Last - 3, Last + 3);

        var tracked = new EventFolder(new EventOptions { MaxGap = VideoPosition.FromSeconds(2) });
        var perTrack = frames.SelectMany(tracked.Add).ToList();
        perTrack.AddRange(tracked.Complete());
        perTrack.RemoveAll(e => e.FrameCount < 10);
        output.WriteLine("tracked events: " + string.Join(", ", perTrack.Select(e => $"#{e.TrackId} {e.StartFrame}..{e.EndFrame}")));
        Assert.Equal(3, perTrack.Count);
    }

    /// <summary>
    /// IDF1 (Ristani et al. 2016): ground-truth and predicted identities are paired one to one so as to
    /// maximise the frames they share (IoU ≥ 0.5); IDF1 = 2·IDTP / (2·IDTP + IDFP + IDFN). Predictions
    /// on a hidden walker (no ground truth there) are neither true nor false. Identity switches count,
    /// per walker, the frames whose matched track differs from the one matched before.
    /// </summary>
    private static readonly List<string> Log = new();

    private static (double Idf1, int Switches, int OccludedSwitches) Score(Dictionary<(int Walker, int Frame), Rect2d> truth, List<FrameDetections> frames)
    {
        var shared = new Dictionary<(int Walker, int Track), int>();
        int predictions = 0, switches = 0, occluded = 0;
        var lastTrack = new int?[3];
        foreach (var f in frames)
        {
            foreach (var d in f.Detections.Where(d => d.TrackId is not null))
            {
                var box = new Rect2d(d.X, d.Y, d.Width, d.Height);
                int walker = Enumerable.Range(0, 3).Where(k => truth.ContainsKey((k, (int)f.FrameIndex))).Select(k => (k, Iou(box, truth[(k, (int)f.FrameIndex)])))
                    .Where(m => m.Item2 >= 0.5).OrderByDescending(m => m.Item2).Select(m => m.k).DefaultIfEmpty(-1).First();
                bool onHidden = walker < 0 && Enumerable.Range(0, 3).Any(k => Position(k, (int)f.FrameIndex) is { } p && !truth.ContainsKey((k, (int)f.FrameIndex)) && Math.Abs(p.X - d.X) < 40 && Math.Abs(p.Y - d.Y) < 40);
                if (onHidden) continue;
                predictions++;
                if (walker < 0) continue;
                shared[(walker, d.TrackId!.Value)] = shared.GetValueOrDefault((walker, d.TrackId!.Value)) + 1;
                if (lastTrack[walker] is { } before && before != d.TrackId) { switches++; if (walker == 2) occluded++; Log.Add($"switch walker {walker} frame {f.FrameIndex}: #{before} -> #{d.TrackId}"); }
                lastTrack[walker] = d.TrackId;
            }
        }
        var tracks = shared.Keys.Select(k => k.Track).Distinct().ToList();
        int n = Math.Max(3, tracks.Count);
        var cost = new double[n, n];
        for (int k = 0; k < 3; k++) for (int t = 0; t < tracks.Count; t++) cost[k, t] = -shared.GetValueOrDefault((k, tracks[t]));
        int[] rowOf = Assignment.Hungarian(cost);
        int idtp = 0;
        for (int t = 0; t < n; t++) if (rowOf[t] < 3 && t < tracks.Count) idtp += shared.GetValueOrDefault((rowOf[t], tracks[t]));
        int idfn = truth.Count - idtp, idfp = predictions - idtp;
        return (2.0 * idtp / (2.0 * idtp + idfp + idfn), switches, occluded);
    }

    private static double Iou(Rect2d a, Rect2d b)
    {
        double w = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X), h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        return w <= 0 || h <= 0 ? 0 : w * h / (a.Width * a.Height + b.Width * b.Height - w * h);
    }
}
