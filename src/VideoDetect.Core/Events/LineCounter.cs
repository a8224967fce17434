using VideoDetect.Inference;

namespace VideoDetect.Events;

/// <summary>
/// Counts tracked objects across lines, one source at a time, with hysteresis: a track's side of a
/// line changes only after <see cref="EventOptions.CrossingFrames"/> observations in a row on the
/// other side (supervision's users report counts flickering when a box jitters on the line), and a
/// change counts as a crossing only when the anchor (bottom-centre) was beside the segment when it
/// first stood on the new side. The first side a track is seen on counts nothing.
/// </summary>
internal sealed class LineCounter
{
    private sealed class State
    {
        public int Side;               // settled side, 0 until first seen
        public int Candidate;          // the side being observed, 0 when none
        public int Count;
        public bool CandidateBeside;
        public long StartFrame, LastSeenFrame;
        public TimeSpan StartTime, LastSeenTime;
        public float MaxConfidence;
        public Detection? Peak;
    }

    private readonly EventOptions _options;
    private readonly Dictionary<(string Line, int Track), State> _states = new();

    public LineCounter(EventOptions options) => _options = options;

    public int OpenStates => _states.Count;

    /// <summary>Observes one tracked detection; returns the crossings it completes.</summary>
    public void Observe(Detection d, int trackId, long frame, TimeSpan time, List<DetectionEvent> output)
    {
        var (x, y) = Points.Anchor(d);
        foreach (var line in _options.Lines)
        {
            int side = line.Side(x, y);
            if (!_states.TryGetValue((line.Name, trackId), out var s)) _states[(line.Name, trackId)] = s = new State();
            s.LastSeenFrame = frame;
            s.LastSeenTime = time;
            if (side == 0) continue;
            if (s.Side == 0) { s.Side = side; continue; }
            if (side == s.Side) { s.Candidate = 0; continue; }
            if (side != s.Candidate)
            {
                s.Candidate = side;
                s.Count = 0;
                s.CandidateBeside = line.Beside(x, y);
                s.StartFrame = frame;
                s.StartTime = time;
                s.MaxConfidence = 0;
                s.Peak = null;
            }
            s.Count++;
            if (d.Confidence > s.MaxConfidence || s.Peak is null) { s.MaxConfidence = d.Confidence; s.Peak = d; }
            if (s.Count < _options.CrossingFrames) continue;
            if (s.CandidateBeside)
            {
                output.Add(new DetectionEvent
                {
                    Kind = DetectionEvent.Crossing, Path = d.Path, Label = d.Label, ClassId = d.ClassId, TrackId = trackId,
                    Line = line.Name, Direction = side > 0 ? "In" : "Out",
                    StartFrame = s.StartFrame, EndFrame = frame, StartTime = s.StartTime, EndTime = time, FrameCount = s.Count,
                    MaxConfidence = s.MaxConfidence, PeakFrame = s.Peak.FrameIndex, X = s.Peak.X, Y = s.Peak.Y, Width = s.Peak.Width, Height = s.Peak.Height,
                });
            }
            s.Side = side;
            s.Candidate = 0;
            s.Peak = null;
        }
    }

    /// <summary>Forgets tracks not seen for longer than <paramref name="expired"/> says (they cannot cross any more).</summary>
    public void Prune(Func<long, TimeSpan, bool> expired)
    {
        foreach (var key in _states.Where(kv => expired(kv.Value.LastSeenFrame, kv.Value.LastSeenTime)).Select(kv => kv.Key).ToList()) _states.Remove(key);
    }

    public void Clear() => _states.Clear();
}
