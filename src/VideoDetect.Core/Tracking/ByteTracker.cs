using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// ByteTrack (Zhang et al., 2022) for one source: each frame, confirmed and lost tracks are matched
/// first to the high-score detections (cost 1 − IoU × score, Hungarian assignment), the tracks left
/// over to the low-score detections (cost 1 − IoU, limit 0.5), tentative tracks to the high-score
/// detections still free (limit 0.7), and — beyond ByteTrack — lost tracks to the high-score
/// detections still free whose centre lies inside the track's Kalman uncertainty gate (DeepSORT's
/// Mahalanobis gate, so an object that reappears after an occlusion a little off its predicted box
/// keeps its id); unmatched high-score detections start tentative tracks, an
/// unmatched confirmed track is lost, and a lost track leaves the buffer after
/// <see cref="TrackerOptions.LostTrackBuffer"/>. Classes are tracked apart (a person track never
/// takes a car's box). Tracks move by the frame-index difference, so sampled or missing frames are
/// predicted across.
/// <para><see cref="Step"/> returns copies of the detections with <see cref="Detection.TrackId"/> set:
/// the id of the confirmed track a detection matched, null otherwise (a tentative track, or no track);
/// the detections given are not changed. Not thread-safe: one per source (or <see cref="Reset"/>
/// between sources), fed in frame order by one thread.</para>
/// </summary>
public sealed class ByteTracker : PerClassTracker<Track>
{
    /// <summary>The name it is registered under in <see cref="Trackers"/> (and written to <c>Extras.Tracker</c>).</summary>
    public const string TrackerName = "ByteTrack";

    private const double SecondMatchLimit = 0.5, UnconfirmedMatchLimit = 0.7, DuplicateIou = 0.85;
    private readonly TrackerOptions _options;

    public ByteTracker(TrackerOptions? options = null)
    {
        _options = options ?? new TrackerOptions();
        _options.Validate();
    }

    /// <summary>Live tracks (tentative, tracked, lost) of every class.</summary>
    public IEnumerable<Track> Tracks => AllTracks;

    public override string Name => TrackerName;

    protected override void StepClass(List<Track> tracks, int classId, List<Detection> dets, long frame, TimeSpan time, bool first)
    {
        var (high, low) = Split(dets, _options);
        foreach (var t in tracks) t.PredictTo(frame);
        var pool = tracks.Where(t => t.State is TrackState.Tracked or TrackState.Lost).ToList();
        var unconfirmed = tracks.Where(t => t.State == TrackState.Tentative).ToList();

        // 1: confirmed and lost tracks with the high-score detections.
        var (matched1, leftTracks, leftHigh) = Match(pool, high, _options.MatchThreshold, fuseScore: true);
        foreach (var (t, d) in matched1) Apply(t, d, frame, time);

        // 2: the tracks matched in the last frame but not now, with the low-score detections.
        var remaining = leftTracks.Where(t => t.State == TrackState.Tracked).ToList();
        var (matched2, stillLeft, _) = Match(remaining, low, SecondMatchLimit, fuseScore: false);
        foreach (var (t, d) in matched2) Apply(t, d, frame, time);
        foreach (var t in stillLeft) t.State = TrackState.Lost;

        // 3: tentative tracks with the high-score detections still free; a miss ends a tentative track.
        var (matched3, leftUnconfirmed, newHigh) = Match(unconfirmed, leftHigh, UnconfirmedMatchLimit, fuseScore: true);
        foreach (var (t, d) in matched3) Apply(t, d, frame, time);
        foreach (var t in leftUnconfirmed) t.State = TrackState.Removed;

        // 4 (beyond ByteTrack): a lost track whose IoU match failed because its predicted box drifted
        // (a walker behind an occluder for a second, the speed learned from a few frames) may take a
        // high-score detection that would otherwise start a new track, when the detection's centre is
        // inside the track's uncertainty gate (DeepSORT's Mahalanobis gate) and its height is similar.
        var lost = leftTracks.Where(t => t.State == TrackState.Lost && t.LastFrame < frame).ToList();
        var (matched4, _, unmatchedHigh) = MatchByGate(lost, newHigh);
        foreach (var (t, d) in matched4) Apply(t, d, frame, time);
        newHigh = unmatchedHigh;

        // New tracks from what is left; a source's first frame confirms them at once (as ByteTrack).
        foreach (var d in newHigh)
        {
            if (d.Confidence < _options.NewTrackThreshold) continue;
            var t = new Track(classId, Box.Of(d), d.Confidence, frame, time);
            tracks.Add(t);
            if (first || _options.MinHits <= 1) Confirm(t, d);
        }

        foreach (var t in tracks)
        {
            if (t.State == TrackState.Lost && Expired(t, frame, time, _options.LostTrackBuffer)) t.State = TrackState.Removed;
        }
        RemoveDuplicates(tracks);
        tracks.RemoveAll(t => t.State == TrackState.Removed);
    }

    private void Apply(Track t, Detection d, long frame, TimeSpan time)
    {
        t.Update(Box.Of(d), d.Confidence, frame, time);
        Matched(t, d, _options.MinHits);
    }

    /// <summary>A confirmed and a lost track on the same object (IoU above 0.85): the younger one goes (ByteTrack's remove_duplicate_stracks).</summary>
    private static void RemoveDuplicates(List<Track> tracks)
    {
        foreach (var a in tracks.Where(t => t.State == TrackState.Tracked))
        {
            foreach (var b in tracks.Where(t => t.State == TrackState.Lost))
            {
                if (Box.Iou(a.Box, b.Box) <= DuplicateIou) continue;
                if (a.LastFrame - a.FirstFrame >= b.LastFrame - b.FirstFrame) b.State = TrackState.Removed;
                else a.State = TrackState.Removed;
            }
        }
    }

    private static (List<(Track, Detection)> Matched, List<Track> Tracks, List<Detection> Detections) MatchByGate(List<Track> tracks, List<Detection> dets)
    {
        var cost = new double[tracks.Count, dets.Count];
        for (int i = 0; i < tracks.Count; i++)
        {
            var box = tracks[i].Box;
            for (int j = 0; j < dets.Count; j++)
            {
                var det = Box.Of(dets[j]);
                double ratio = det.Height / Math.Max(box.Height, 1e-6);
                bool similar = ratio <= Gates.MaxHeightRatio && ratio >= 1 / Gates.MaxHeightRatio;
                cost[i, j] = similar ? tracks[i].CentreDistance2(det) : double.PositiveInfinity;
            }
        }
        return Paired(tracks, dets, Assignment.Solve(cost, Gates.CentreGate));
    }

    private static (List<(Track, Detection)> Matched, List<Track> Tracks, List<Detection> Detections) Match(
        List<Track> tracks, List<Detection> dets, double limit, bool fuseScore)
    {
        var cost = new double[tracks.Count, dets.Count];
        for (int i = 0; i < tracks.Count; i++)
        {
            var box = tracks[i].Box;
            for (int j = 0; j < dets.Count; j++)
            {
                double iou = Box.Iou(box, Box.Of(dets[j]));
                cost[i, j] = 1 - (fuseScore ? iou * dets[j].Confidence : iou);
            }
        }
        return Paired(tracks, dets, Assignment.Solve(cost, limit));
    }
}
