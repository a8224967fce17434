using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// What <see cref="TrackLinker"/> knows about one output track: where and when it was first and last
/// seen, its recent centres (for its velocity) and its smoothed appearance. Small and fixed in size.
/// </summary>
internal sealed class LinkedTrack(int id, int classId, long frame, TimeSpan time, Box box)
{
    // Centres over about the last second, for the velocity a lost track was heading with.
    private const int History = 25;
    // The appearance's EMA momentum (BoT-SORT's 0.9).
    private const double Momentum = 0.9;
    private readonly Queue<(long Frame, double X, double Y)> _centres = new();

    public int Id { get; } = id;
    public int ClassId { get; } = classId;
    public long FirstFrame { get; private set; } = frame;
    public TimeSpan FirstTime { get; private set; } = time;
    public Box FirstBox { get; private set; } = box;
    public long LastFrame { get; private set; } = frame;
    public TimeSpan LastTime { get; private set; } = time;
    public Box LastBox { get; private set; } = box;
    public (AppearanceKind Kind, float[] Vector)? Look { get; private set; }

    /// <summary>Records a detection of this track (frames in order).</summary>
    public void Observe(long frame, TimeSpan time, in Box box, (AppearanceKind Kind, float[] Vector)? look)
    {
        LastFrame = frame;
        LastTime = time;
        LastBox = box;
        _centres.Enqueue((frame, box.X + box.Width / 2, box.Y + box.Height / 2));
        while (_centres.Count > History) _centres.Dequeue();
        if (look is not { } s) return;
        if (Look is not { } a || a.Kind != s.Kind || a.Vector.Length != s.Vector.Length)
        {
            Look = (s.Kind, (float[])s.Vector.Clone());
            return;
        }
        AppearanceDescriptor.Blend(a.Vector, s.Vector, Momentum);
    }

    /// <summary>The centre velocity over the recent observations, pixels per frame; (0, 0) with one.</summary>
    public (double X, double Y) Velocity
    {
        get
        {
            if (_centres.Count < 2) return (0, 0);
            var first = _centres.Peek();
            var last = _centres.Last();
            double frames = Math.Max(1, last.Frame - first.Frame);
            return ((last.X - first.X) / frames, (last.Y - first.Y) / frames);
        }
    }

    /// <summary>Takes over <paramref name="later"/>, which continues this track: its last sighting, centres and look.</summary>
    public void Continue(LinkedTrack later)
    {
        LastFrame = later.LastFrame;
        LastTime = later.LastTime;
        LastBox = later.LastBox;
        _centres.Clear();
        foreach (var c in later._centres) _centres.Enqueue(c);
        if (later.Look is { } l) Look = (l.Kind, (float[])l.Vector.Clone());
    }
}
