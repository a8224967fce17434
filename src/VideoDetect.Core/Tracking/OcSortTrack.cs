namespace VideoDetect.Tracking;

/// <summary>
/// What OC-SORT keeps about a track beyond ByteTrack's state: its recent observations (the boxes
/// it was matched to, by frame), its direction of motion taken from them, and whether it has
/// missed a frame since its last observation (then the next match re-updates the filter), and its
/// smoothed appearance (an exponential moving average of its detections' descriptors, as BoT-SORT's).
/// </summary>
public sealed class OcSortTrack(Track track)
{
    // Observations of the last DirectionFrames frames, oldest first; the latest is always kept.
    private readonly List<(long Frame, Box Box)> _observations = new();

    public Track Track { get; } = track;

    /// <summary>
    /// Still learning its motion: every track starts young and grows up once its filter's velocity
    /// agrees with what its observations show (<see cref="Grow"/>). Until then a match may be scored
    /// on the buffered overlap of <see cref="Extrapolated"/>, because a filter whose velocity prior is
    /// scaled to walkers lags behind a small, fast object for several frames.
    /// </summary>
    public bool Young { get; private set; } = true;

    /// <summary>
    /// After a match: a young track with at least three observations grows up when the velocity of
    /// its observations (<see cref="ObservedVelocity"/>) lies within two standard deviations of its
    /// filter's velocity on both axes (the filter has learned the motion, by its own uncertainty).
    /// </summary>
    public void Grow()
    {
        if (!Young || Track.Hits < 3 || ObservedVelocity() is not { } v) return;
        var (kx, ky) = Track.Velocity;
        var (sx, sy) = Track.VelocityStd;
        Young = Math.Abs(v.X - kx) > 2 * sx || Math.Abs(v.Y - ky) > 2 * sy;
    }

    /// <summary>The mean centre velocity over the kept observations, pixels per frame; null with one observation.</summary>
    public (double X, double Y)? ObservedVelocity()
    {
        if (_observations.Count < 2) return null;
        var (f0, b0) = _observations[0];
        var (f1, b1) = _observations[^1];
        double n = f1 - f0;
        return ((Centre(b1).X - Centre(b0).X) / n, (Centre(b1).Y - Centre(b0).Y) / n);
    }

    /// <summary>Unmatched in a step since the last observation.</summary>
    public bool Missed { get; set; }

    /// <summary>The smoothed appearance: a unit vector of <see cref="AppearanceKind"/>; null until a detection with a descriptor is matched.</summary>
    public (Inference.AppearanceKind Kind, float[] Vector)? Appearance { get; private set; }

    /// <summary>
    /// Folds a matched detection's decoded descriptor into <see cref="Appearance"/>:
    /// <c>momentum × smoothed + (1 − momentum) × new</c>, re-normalised (BoT-SORT: momentum 0.9). A
    /// descriptor of another kind or length (another -AppearanceModel) replaces it; none leaves it.
    /// </summary>
    public void Describe((Inference.AppearanceKind Kind, float[] Vector)? seen, double momentum, double height)
    {
        if (seen is not { } s) return;
        if (Appearance is not { } a || a.Kind != s.Kind || a.Vector.Length != s.Vector.Length)
        {
            Appearance = (s.Kind, (float[])s.Vector.Clone());
            AppearanceHeight = height;
            return;
        }
        AppearanceHeight = momentum * AppearanceHeight + (1 - momentum) * height;
        Inference.AppearanceDescriptor.Blend(a.Vector, s.Vector, momentum);
    }

    /// <summary>The height of the boxes the smoothed appearance was taken from (smoothed alike): a much shorter box is a partial view.</summary>
    public double AppearanceHeight { get; private set; }

    /// <summary>The cosine distance of the smoothed appearance to a decoded descriptor; null when either is missing or they are of different kinds.</summary>
    public double? AppearanceDistance((Inference.AppearanceKind Kind, float[] Vector)? seen) =>
        Appearance is { } a && seen is { } s && a.Kind == s.Kind ? Inference.AppearanceDescriptor.Distance(a.Vector, s.Vector) : null;

    /// <summary>The unit direction of motion between two observations up to DirectionFrames apart; (0, 0) before a second observation.</summary>
    public (double X, double Y) Direction { get; private set; }

    /// <summary>
    /// OC-SORT's previous observation for frame <paramref name="frame"/>: the oldest one at most
    /// <paramref name="deltaT"/> frames before it, or else the latest one; null when there is none.
    /// </summary>
    public Box? Previous(long frame, int deltaT)
    {
        foreach (var (f, box) in _observations)
        {
            if (f >= frame - deltaT && f < frame) return box;
        }
        return _observations.Count > 0 ? _observations[^1].Box : null;
    }

    /// <summary>
    /// The observation-centric prediction of a young track: its last observed box moved on at the mean
    /// velocity of its observations (the first one kept to the latest), frame by frame up to
    /// <paramref name="frame"/>; the last observed box itself with one observation. Unlike the Kalman
    /// filter, whose velocity prior is scaled for walkers (a fraction of the box height per frame), it
    /// knows a fast object's speed from the second observation on.
    /// </summary>
    public Box? Extrapolated(long frame)
    {
        if (_observations.Count == 0) return null;
        var (lastFrame, last) = _observations[^1];
        var (firstFrame, first) = _observations[0];
        if (lastFrame == firstFrame) return last;
        double steps = (frame - lastFrame) / (double)(lastFrame - firstFrame);
        return last with { X = last.X + steps * (last.X - first.X), Y = last.Y + steps * (last.Y - first.Y) };
    }

    /// <summary>Records the box observed at <paramref name="frame"/> and the direction from the previous observation to it.</summary>
    public void Observe(long frame, in Box box, int deltaT)
    {
        if (Previous(frame, deltaT) is { } previous) Direction = Unit(Centre(box).X - Centre(previous).X, Centre(box).Y - Centre(previous).Y);
        _observations.Add((frame, box));
        while (_observations.Count > 1 && _observations[0].Frame < frame - deltaT) _observations.RemoveAt(0);
    }

    /// <summary>
    /// OC-SORT's direction consistency of a detection centre: (π/2 − θ)/π, θ the angle between the
    /// track's direction and the direction from its previous observation to the centre; within
    /// −0.5 (opposite) .. 0.5 (same direction), 0 for a track without a direction yet.
    /// </summary>
    public double Consistency((double X, double Y) centre, long frame, int deltaT)
    {
        if (Direction == (0, 0) || Previous(frame, deltaT) is not { } previous) return 0;
        var (px, py) = Centre(previous);
        var (ux, uy) = Unit(centre.X - px, centre.Y - py);
        double cos = Math.Clamp(Direction.X * ux + Direction.Y * uy, -1, 1);
        return (Math.PI / 2 - Math.Acos(cos)) / Math.PI;
    }

    private static (double X, double Y) Centre(in Box b) => (b.X + b.Width / 2, b.Y + b.Height / 2);

    // OC-SORT's speed_direction: divided by the norm plus 1e-6, so a zero vector stays zero.
    private static (double X, double Y) Unit(double x, double y)
    {
        double n = Math.Sqrt(x * x + y * y) + 1e-6;
        return (x / n, y / n);
    }
}
