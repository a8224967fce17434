using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;

namespace VideoDetect.Tests.Events;

/// <summary>
/// Synthetic tracks for the object filters and the stationary mark, harder than clean boxes: every box
/// jitters by up to ±2 px per edge (a detector's box noise on a still thing), scores wander, and frames
/// are missed at random; seeded, so a run is repeatable. 10 fps, 768×576.
/// </summary>
internal sealed class ObjectScene
{
    public const int Fps = 10;
    private readonly Random _random;
    private readonly Dictionary<long, List<Detection>> _frames = new();

    public ObjectScene(int seed = 1) => _random = new Random(seed);

    public int Length { get; private set; }

    /// <summary>Adds one object's box at each frame from <paramref name="from"/> for <paramref name="count"/> frames, placed by <paramref name="at"/>.</summary>
    public ObjectScene Add(int from, int count, Func<int, (double X, double Y)> at, string label = "person", int classId = 0,
        double w = 40, double h = 100, float score = 0.85f, float scoreJitter = 0.08f, double miss = 0.05, double jitter = 2)
    {
        for (int f = from; f < from + count; f++)
        {
            if (_random.NextDouble() < miss) continue;
            var (x, y) = at(f);
            double J() => (_random.NextDouble() * 2 - 1) * jitter;
            double x1 = x + J(), y1 = y + J(), x2 = x + w + J(), y2 = y + h + J();
            float s = Math.Clamp(score + (float)((_random.NextDouble() * 2 - 1) * scoreJitter), 0.01f, 1f);
            Get(f).Add(new Detection { Path = "scene.avi", FrameIndex = f, Timestamp = Time(f), Label = label, ClassId = classId, Confidence = s, X = x1, Y = y1, Width = x2 - x1, Height = y2 - y1 });
        }
        Length = Math.Max(Length, from + count);
        return this;
    }

    /// <summary>A walk from (x0, y) at <paramref name="speed"/> px per frame.</summary>
    public static Func<int, (double, double)> Walk(int from, double x0, double y, double speed) => f => (x0 + speed * (f - from), y);

    public static Func<int, (double, double)> Still(double x, double y) => _ => (x, y);

    public static TimeSpan Time(long f) => TimeSpan.FromTicks(f * TimeSpan.TicksPerSecond / Fps);

    private List<Detection> Get(long f) => _frames.TryGetValue(f, out var l) ? l : _frames[f] = new List<Detection>();

    public IEnumerable<FrameDetections> Frames(int? length = null)
    {
        for (long f = 0; f < (length ?? Length + 10); f++)
            yield return new FrameDetections
            {
                Path = "scene.avi", FrameIndex = f, Timestamp = Time(f), SourceWidth = 768, SourceHeight = 576,
                Detections = _frames.TryGetValue(f, out var l) ? l.ToArray() : Array.Empty<Detection>(),
            };
    }

    /// <summary>Add-DetectionTrack's stage: the filters around the default tracker.</summary>
    public static List<FrameDetections> Track(IEnumerable<FrameDetections> frames, ObjectFilterOptions? options = null, TrackerOptions? tracker = null)
    {
        var filter = new ObjectFilter(options);
        var assigner = new TrackAssigner(tracker);
        return frames.Select(f => filter.Process(f, assigner.Process)).ToList();
    }

    public static List<DetectionEvent> Fold(IEnumerable<FrameDetections> frames, EventOptions? options = null)
    {
        var folder = new EventFolder(options);
        var events = new List<DetectionEvent>();
        foreach (var f in frames) events.AddRange(folder.Add(f));
        events.AddRange(folder.Complete());
        return events;
    }

    /// <summary>The detections near (x, y) — one object's, in a scene whose objects keep apart.</summary>
    public static IEnumerable<Detection> Near(IEnumerable<FrameDetections> frames, double x, double y, double within = 30) =>
        frames.SelectMany(f => f.Detections).Where(d => Math.Abs(d.X - x) < within && Math.Abs(d.Y - y) < within);
}
