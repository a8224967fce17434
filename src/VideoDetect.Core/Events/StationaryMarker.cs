using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;

namespace VideoDetect.Events;

/// <summary>
/// Marks tracked detections <see cref="Detection.Stationary"/> once their box has stayed put for
/// <see cref="ObjectFilterOptions.StationaryAfter"/>, for one source at a time. Anchor: Frigate's
/// stationary objects (a track's position against its recent boxes, with a stricter IoU to become
/// still than to stay still, and the median of recent boxes so one bad box moves nothing).
/// <para><b>Stays put</b>: each track has a still stretch that starts at an anchor box (the median of
/// the stretch's first <see cref="AnchorBoxes"/> boxes). The stretch goes on while the median of the
/// track's last <see cref="RecentBoxes"/> boxes overlaps the anchor by <see cref="StillIou"/> (0.7;
/// <see cref="StayStillIou"/>, 0.5, once stationary: a parked car that a passer-by half-hides stays
/// parked), and starts again at the current box when it does not. A walking person moves a body width
/// or more each second, so a walk leaves any stretch within a few frames; a person who waits a few
/// seconds and walks on never reaches ten.</para>
/// <para><b>Places</b>: a detector often loses a still thing and finds it again as a new track (the
/// signpost in vtest.avi scores 0.45–0.6, below what starts a track, most of the time). So every
/// detection, tracked or not, also keeps a place (a box of its kind, the same within
/// <see cref="StillIou"/>) alive, and a track's stretch that starts on a steady place (seen in at least
/// half the frames since it appeared: a still thing, not a spot on a path people keep walking through)
/// takes the place's start:
/// the track is stationary once the place has been still long enough and the track itself has stayed
/// put for a tenth of <see cref="ObjectFilterOptions.StationaryAfter"/> (so a walker crossing a place
/// is never marked). Places and stretches not seen for a quarter of StationaryAfter are forgotten:
/// memory is what is in view.</para>
/// </summary>
internal sealed class StationaryMarker
{
    public const double StillIou = 0.7, StayStillIou = 0.5;
    public const int RecentBoxes = 5, AnchorBoxes = 5;

    private readonly record struct At(long Frame, TimeSpan Time);

    private sealed class Place
    {
        public required string Kind;
        public Box Anchor;
        public At Since, Seen;
        public long Born, SeenFrames;

        /// <summary>Seen in at least half the frames since it was born: a still thing, not a path people keep walking through.</summary>
        public bool Steady(long frames) => SeenFrames * 2 >= frames - Born + 1;
    }

    private sealed class Stretch
    {
        public Box Anchor;
        public readonly List<Box> First = new(AnchorBoxes), Recent = new(RecentBoxes);
        public At Start, Since, Seen;
        public bool Stationary;
    }

    private readonly VideoPosition _after, _settle, _gap;   // the time to stand still; a tenth and a quarter of it
    private readonly ClassGroups _groups;
    private readonly List<Place> _places = new();
    private readonly Dictionary<int, Stretch> _stretches = new();
    private long _frames;   // frames marked in this source (sampled frames count once)

    public StationaryMarker(VideoPosition after, ClassGroups groups)
    {
        _after = after;
        _settle = Fraction(after, 10);
        _gap = Fraction(after, 4);
        _groups = groups;
    }

    /// <summary>Places and stretches held now (for tests of flat memory).</summary>
    public int Held => _places.Count + _stretches.Count;

    public void Reset()
    {
        _places.Clear();
        _stretches.Clear();
        _frames = 0;
    }

    /// <summary>Marks, in place, the detections of one frame (copies owned by the caller).</summary>
    public void Mark(long frame, TimeSpan time, Detection[] detections)
    {
        var now = new At(frame, time);
        _frames++;
        var placeOf = new Place?[detections.Length];
        for (int i = 0; i < detections.Length; i++) placeOf[i] = SeePlace(detections[i], now);
        for (int i = 0; i < detections.Length; i++)
        {
            var d = detections[i];
            if (d.TrackId is not { } id) { d.Stationary = false; d.StationarySince = null; continue; }
            var s = SeeStretch(id, Box.Of(d), placeOf[i], now);
            d.Stationary = s.Stationary;
            d.StationarySince = s.Stationary ? s.Since.Frame : null;
        }
        Forget(now);
    }

    /// <summary>The place this detection keeps alive: the best-overlapping one of its kind not yet seen in this frame, or a new one.</summary>
    private Place SeePlace(Detection d, At now)
    {
        var box = Box.Of(d);
        string kind = _groups.KindOf(d.Label);
        Place? best = null;
        double bestIou = StillIou;
        foreach (var p in _places)
        {
            if (p.Seen.Frame == now.Frame || p.Kind != kind) continue;
            double iou = Box.Iou(p.Anchor, box);
            if (iou >= bestIou) (best, bestIou) = (p, iou);
        }
        if (best is null) _places.Add(best = new Place { Kind = kind, Anchor = box, Since = now, Born = _frames });
        best.Seen = now;
        best.SeenFrames++;
        return best;
    }

    private Stretch SeeStretch(int id, Box box, Place? place, At now)
    {
        if (!_stretches.TryGetValue(id, out var s))
        {
            _stretches[id] = s = new Stretch();
            Restart(s, box, place, now, _frames);
        }
        else
        {
            s.Recent.Add(box);
            if (s.Recent.Count > RecentBoxes) s.Recent.RemoveAt(0);
            if (Box.Iou(Median(s.Recent), s.Anchor) < (s.Stationary ? StayStillIou : StillIou)) Restart(s, box, place, now, _frames);
            else if (s.First.Count < AnchorBoxes)
            {
                s.First.Add(box);
                s.Anchor = Median(s.First);
            }
        }
        s.Seen = now;
        s.Stationary = Reached(_after, s.Since, now) && Reached(_settle, s.Start, now);
        return s;
    }

    private static void Restart(Stretch s, Box box, Place? place, At now, long frames)
    {
        s.First.Clear();
        s.Recent.Clear();
        s.First.Add(box);
        s.Recent.Add(box);
        s.Anchor = box;
        s.Start = now;
        s.Since = place is not null && place.Since.Frame < now.Frame && place.Steady(frames) ? place.Since : now;
        s.Stationary = false;
    }

    private void Forget(At now)
    {
        var gap = _gap;
        _places.RemoveAll(p => Beyond(gap, p.Seen, now));
        foreach (var id in _stretches.Where(kv => Beyond(gap, kv.Value.Seen, now)).Select(kv => kv.Key).ToList()) _stretches.Remove(id);
    }

    /// <summary>Whether at least <paramref name="span"/> has passed from <paramref name="from"/> to <paramref name="now"/>.</summary>
    private static bool Reached(VideoPosition span, At from, At now) => span.Time is { } t ? now.Time - from.Time >= t : now.Frame - from.Frame >= (span.Frames ?? 0);

    /// <summary>Whether more than <paramref name="span"/> has passed.</summary>
    private static bool Beyond(VideoPosition span, At from, At now) => span.Time is { } t ? now.Time - from.Time > t : now.Frame - from.Frame > (span.Frames ?? 0);

    private static VideoPosition Fraction(VideoPosition span, int divisor) => span.Time is { } t
        ? VideoPosition.FromTime(TimeSpan.FromTicks(t.Ticks / divisor))
        : VideoPosition.FromFrames(Math.Max(1, (span.Frames ?? 0) / divisor));

    /// <summary>The per-edge median of boxes (left, top, right, bottom).</summary>
    internal static Box Median(List<Box> boxes)
    {
        if (boxes.Count == 1) return boxes[0];
        Span<double> v = boxes.Count <= 64 ? stackalloc double[boxes.Count] : new double[boxes.Count];
        for (int i = 0; i < v.Length; i++) v[i] = boxes[i].X;
        double x = Mid(v);
        for (int i = 0; i < v.Length; i++) v[i] = boxes[i].Y;
        double y = Mid(v);
        for (int i = 0; i < v.Length; i++) v[i] = boxes[i].Right;
        double r = Mid(v);
        for (int i = 0; i < v.Length; i++) v[i] = boxes[i].Bottom;
        double bottom = Mid(v);
        return new Box(x, y, r - x, bottom - y);
    }

    // Sorts in place (a stable insertion sort with double.CompareTo, so the order is exactly LINQ's Order()) and takes the middle.
    private static double Mid(Span<double> v)
    {
        for (int i = 1; i < v.Length; i++)
        {
            double key = v[i];
            int j = i - 1;
            for (; j >= 0 && v[j].CompareTo(key) > 0; j--) v[j + 1] = v[j];
            v[j + 1] = key;
        }
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
