using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// OC-SORT (Cao et al., "Observation-Centric SORT", CVPR 2023) for one source, on ByteTrack's Kalman
/// filter and life cycle. Each frame, per class, every match needing an IoU of at least
/// <see cref="TrackerOptions.MinIou"/> except in pass 4:
/// <list type="number">
/// <item>confirmed tracks (tracked and lost) are matched to the high-score detections by the IoU of
/// their predicted box plus <b>observation-centric momentum</b>: the agreement between the track's
/// direction (from observations <see cref="TrackerOptions.DirectionFrames"/> frames apart) and the
/// direction from its earlier observation to the detection, weighted by
/// <see cref="TrackerOptions.Inertia"/> and the detection's score;</item>
/// <item>the tracks left over are matched to the low-score detections by IoU (ByteTrack's second pass);</item>
/// <item><b>observation-centric recovery</b>: the tracks still left over, unseen for at most 30
/// frames (OC-SORT's max_age), are matched to the high-score detections still free by the IoU of
/// their last <i>observed</i> box (an object missed briefly, or stopped, is where it was last seen);</item>
/// <item>beyond OC-SORT (after ByteTracker's gate): a lost track takes a high-score detection still
/// free whose centre is inside its Kalman uncertainty gate, of similar height, and ahead of its last
/// observation along its velocity (a walker coming out from behind an occluder, boxed narrow at its edge);</item>
/// <item>tentative tracks are matched to the high-score detections still free by IoU (after the
/// confirmed ones, as ByteTrack); a miss ends a tentative track.</item>
/// <item><b>appearance re-identification</b> (only where descriptors exist): a lost track takes a
/// high-score detection still free that looks like it (cosine distance of its smoothed appearance
/// at most half <see cref="TrackerOptions.ReidDistance"/>) within a wide motion gate (four times the
/// uncertainty gate, similar height, in any direction): a person who stopped or turned while hidden.</item>
/// </list>
/// <b>Appearance</b> (<see cref="Detection.Appearance"/>): each track keeps an exponential moving
/// average of its detections' descriptors (<see cref="TrackerOptions.AppearanceMomentum"/>, rising to 1 at
/// the track threshold as Deep OC-SORT's dynamic appearance; a detection over a fifth covered by another
/// not behind it (<see cref="Gates.Crowded"/>: depth from the bottom edge), whose box holds two people, has no look: motion alone places it). Pass 1 fuses it with motion
/// (<see cref="TrackerOptions.Fusion"/>: BoT-SORT's gated minimum or Deep OC-SORT's weighted sum);
/// passes 3 and 4 refuse a detection farther than <see cref="TrackerOptions.ReidDistance"/> from a
/// lost track's look; the re-identification pass uses it alone. Where a track or a detection has no
/// descriptor (files from before descriptors, -NoAppearance) every term drops out and the tracker is
/// plain OC-SORT.
/// A track matched after frames without a match is <b>re-updated</b> along the straight path
/// between its last observation and the new one (<see cref="Track.ReUpdate"/>), so the velocity it
/// drifted to while hidden is replaced by the one the observations imply. Unmatched high-score
/// detections (at least <see cref="TrackerOptions.NewTrackThreshold"/>) start tentative tracks,
/// confirmed after <see cref="TrackerOptions.MinHits"/> matches (at once in a source's first frame);
/// a confirmed track that is not matched is lost and leaves after
/// <see cref="TrackerOptions.LostTrackBuffer"/>. Classes are tracked apart. Tracks move by the
/// frame-index difference, so sampled or missing frames are predicted across.
/// <para>Returns copies of the detections it is given with <see cref="Detection.TrackId"/> set: the id
/// of the confirmed track a detection matched, null otherwise (<see cref="ITracker"/>). Not
/// thread-safe: one per source, fed in frame order by one thread.</para>
/// </summary>
public sealed class OcSortTracker : PerClassTracker<OcSortTrack>
{
    /// <summary>The registry name (<see cref="Trackers"/>).</summary>
    public const string TrackerName = "OCSort";

    // OC-SORT's max_age: how long its recovery may look back, in frames.
    private const int RecoveryFrames = 30;
    // Pixels per frame under which a lost track has no direction to be found ahead along.
    private const double MinSpeed = 0.2;
    private readonly TrackerOptions _options;
    // This step's decoded descriptors (null: none, or one that overlaps another detection), by detection.
    private readonly Dictionary<Detection, (AppearanceKind Kind, float[] Vector)?> _seen = new(ReferenceEqualityComparer.Instance);
    // C-BIoU's larger buffer scale (its cascade uses 0.3 then 0.5): each side grows by half the box's size.
    private const double YoungBuffer = 0.5;
    // The re-identification pass's motion gate: this many times the uncertainty gate's chi-square.
    private const double ReidGateScale = 4;

    public OcSortTracker(TrackerOptions? options = null)
    {
        _options = options ?? new TrackerOptions();
        _options.Validate();
    }

    /// <summary>Live tracks (tentative, tracked, lost) of every class.</summary>
    public IEnumerable<Track> Tracks => AllTracks.Select(t => t.Track);

    public override string Name => TrackerName;

    /// <summary>Reads the frame's descriptors once, before its classes are stepped.</summary>
    protected override void BeginFrame(Detection[] detections) => DecodeAppearance(detections);

    protected override void EndFrame()
    {
        _seen.Clear();
        _crowded.Clear();
    }

    // Decodes each descriptor once per step; a detection partly covered by another not behind it (over Gates.CrowdedCover
    // of its area) is marked crowded: its box mixes two looks, so it is compared but not folded into a track's look.
    private void DecodeAppearance(Detection[] detections)
    {
        _seen.Clear();
        _crowded.Clear();
        for (int i = 0; i < detections.Length; i++)
        {
            var d = detections[i];
            if (d.Appearance is null) continue;
            _seen[d] = AppearanceDescriptor.Decode(d.Appearance);
            if (Gates.Crowded(detections, i)) _crowded.Add(d);
        }
    }

    // Deep OC-SORT's dynamic appearance: the momentum rises from AppearanceMomentum (a detection of score 1)
    // to 1 (no update) at the track threshold, so a partly hidden, low-score detection does not repaint a track.
    private void Describe(OcSortTrack t, Detection d)
    {
        if (_crowded.Contains(d)) return;
        double trust = Math.Clamp((d.Confidence - _options.TrackThreshold) / Math.Max(1 - _options.TrackThreshold, 1e-6), 0, 1);
        double momentum = _options.AppearanceMomentum + (1 - _options.AppearanceMomentum) * (1 - trust);
        if (t.Appearance is null || momentum < 1) t.Describe(Seen(d), t.Appearance is null ? 0 : momentum, d.Height);
    }

    // The tracks of the class being associated (the re-identification pass compares a look with all of them).
    private List<OcSortTrack> _classTracks = new();

    private readonly HashSet<Detection> _crowded = new(ReferenceEqualityComparer.Instance);

    // A detection's decoded look; none for a crowded one (its box mixes two people: motion alone decides).
    private (AppearanceKind Kind, float[] Vector)? Seen(Detection d) => !_crowded.Contains(d) && _seen.TryGetValue(d, out var v) ? v : null;

    // The cosine distance between a track's look and a detection's; null when either has none, or when the
    // detection's height is far from that of the boxes the track's look was taken from: a partial view (a head above someone in
    // front) whose upper and lower halves are other parts of the body than the track's look describes.
    private double? Look(OcSortTrack t, Detection d)
    {
        double ratio = d.Height / Math.Max(t.AppearanceHeight, 1e-6);
        return ratio <= Gates.MaxHeightRatio && ratio >= 1 / Gates.MaxHeightRatio ? t.AppearanceDistance(Seen(d)) : null;
    }

    // A lost track refuses a detection that looks like someone else.
    private bool LooksOther(OcSortTrack t, Detection d) => Look(t, d) > _options.ReidDistance;

    protected override void StepClass(List<OcSortTrack> tracks, int classId, List<Detection> dets, long frame, TimeSpan time, bool first)
    {
        var (high, low) = Split(dets, _options);
        foreach (var t in tracks) t.Track.PredictTo(frame);

        var confirmed = tracks.Where(t => t.Track.State is TrackState.Tracked or TrackState.Lost).ToList();
        var tentative = tracks.Where(t => t.Track.State == TrackState.Tentative).ToList();

        // 1: confirmed tracks with the high-score detections, by predicted IoU and direction consistency.
        var (matched1, left1, high1) = MatchByMotion(confirmed, high, frame);
        foreach (var (t, d) in matched1) Apply(t, d, frame, time);

        // 2: ByteTrack's second pass, the tracks left over with the low-score detections by IoU.
        var (matched2, left2, _) = Paired(left1, low, Assignment.Solve(IouCosts(left1, low, frame, observed: false), 1 - _options.MinIou));
        foreach (var (t, d) in matched2) Apply(t, d, frame, time);

        // 3: observation-centric recovery, by the IoU of each track's last observed box, for tracks
        // unseen at most OC-SORT's max_age (30 frames): the recovery is for an object missed briefly
        // or stopped, and with a longer lost-track buffer a track gone for seconds would take
        // whoever steps out where it vanished (another walker coming out from behind an occluder).
        var recent = left2.Where(t => frame - t.Track.LastFrame <= RecoveryFrames).ToList();
        var (matched3, _, high3) = Paired(recent, high1, Assignment.Solve(IouCosts(recent, high1, frame, observed: true, vetoLook: true), 1 - _options.MinIou));
        var recovered = matched3.Select(m => m.Item1).ToHashSet();
        var left3 = left2.Where(t => !recovered.Contains(t)).ToList();
        foreach (var (t, d) in matched3) Apply(t, d, frame, time);

        // 4 (beyond OC-SORT, after ByteTracker's gate): a lost track whose predicted box no longer
        // overlaps enough (a walker behind an occluder, boxed narrow at its edge as they go in and come
        // out, so the speed learned on the way in is low) takes a high-score detection whose centre is
        // inside its Kalman uncertainty gate, whose height is similar, and which lies ahead of its last
        // observation along the filter's velocity (within 45°; the filter's velocity, smoothed over
        // many frames, rather than the noisy direction of observations a few frames apart): the gate
        // grows with every unseen frame, and only the direction keeps a long-lost track from taking a
        // detection behind it or aside. A track moving less than MinSpeed has no direction, no gate.
        var lost = left3.Where(t => t.Track.LastFrame < frame).ToList();
        _classTracks = tracks;
        var (matched4, lost4, high4a) = Paired(lost, high3, Assignment.Solve(Costs(lost, high3, (t, d) => LooksOther(t, d) ? double.PositiveInfinity : GateCost(t, d)), Gates.CentreGate));
        foreach (var (t, d) in matched4) Apply(t, d, frame, time);

        // 4b: appearance re-identification (where descriptors exist): a lost track takes a detection
        // that looks like it within a wide gate, in any direction (stopped or turned while hidden).
        var (matched4b, _, high4) = Paired(lost4, high4a, Assignment.Solve(Costs(lost4, high4a, ReidCost), _options.ReidDistance / 2));
        foreach (var (t, d) in matched4b) Apply(t, d, frame, time);

        // 5: tentative tracks with the high-score detections still free, by IoU (after the confirmed
        // ones, as ByteTrack: an established identity wins a detection over a one-frame hypothesis).
        var (matched5, left5, newHigh) = Paired(tentative, high4, Assignment.Solve(IouCosts(tentative, high4, frame, observed: false), 1 - _options.MinIou));
        foreach (var (t, d) in matched5) Apply(t, d, frame, time);

        var found = matched4.Concat(matched4b).Select(m => m.Item1).ToHashSet();
        var unmatched = left3.Where(t => !found.Contains(t)).Concat(left5);
        foreach (var t in unmatched)
        {
            t.Missed = true;
            t.Track.State = t.Track.State == TrackState.Tentative ? TrackState.Removed : TrackState.Lost;
        }
        foreach (var d in newHigh)
        {
            if (d.Confidence < _options.NewTrackThreshold) continue;
            var t = new OcSortTrack(new Track(classId, Box.Of(d), d.Confidence, frame, time));
            t.Observe(frame, Box.Of(d), _options.DirectionFrames);
            Describe(t, d);
            tracks.Add(t);
            if (first || _options.MinHits <= 1) Confirm(t.Track, d);
        }
        foreach (var t in tracks)
        {
            if (t.Track.State == TrackState.Lost && Expired(t.Track, frame, time, _options.LostTrackBuffer)) t.Track.State = TrackState.Removed;
        }
        tracks.RemoveAll(t => t.Track.State == TrackState.Removed);
    }

    private void Apply(OcSortTrack t, Detection d, long frame, TimeSpan time)
    {
        var box = Box.Of(d);
        if (t.Missed) t.Track.ReUpdate(box, d.Confidence, frame, time);
        else t.Track.Update(box, d.Confidence, frame, time);
        t.Missed = false;
        t.Observe(frame, box, _options.DirectionFrames);
        t.Grow();
        Describe(t, d);
        Matched(t.Track, d, _options.MinHits);
    }

    private (List<(OcSortTrack, Detection)> Matched, List<OcSortTrack> Tracks, List<Detection> Detections) MatchByMotion(List<OcSortTrack> tracks, List<Detection> dets, long frame)
    {
        var cost = Costs(tracks, dets, (t, d) =>
        {
            double iou = Overlap(t, t.Track.Box, Box.Of(d), frame);
            if (iou < _options.MinIou) return double.PositiveInfinity;
            double motion = 1 - iou, direction = _options.Inertia * d.Confidence * t.Consistency(Centre(d), frame, _options.DirectionFrames);
            if (Look(t, d) is { } look)
            {
                motion = _options.Fusion == AppearanceFusion.WeightedSum
                    ? motion + _options.AppearanceWeight * look                                     // Deep OC-SORT
                    : look / 2 <= 0.25 && motion <= 0.5 ? Math.Min(motion, look / 2) : motion;       // BoT-SORT
            }
            return 1 + motion - direction;
        });
        // Pair costs are within (0.9, 1.8] (up to 3.4 with the weighted appearance sum) and leaving a row and a column unmatched costs 4: the most pairs, then the best sum (OC-SORT's full assignment).
        return Paired(tracks, dets, Assignment.Solve(cost, 4));
    }

    private static double GateCost(OcSortTrack t, Detection d)
    {
        var det = Box.Of(d);
        double ratio = det.Height / Math.Max(t.Track.Box.Height, 1e-6);
        bool similar = ratio <= Gates.MaxHeightRatio && ratio >= 1 / Gates.MaxHeightRatio;
        var (vx, vy) = t.Track.Velocity;
        var (cx, cy) = Centre(d);
        var last = t.Track.LastObserved;
        double dx = cx - (last.X + last.Width / 2), dy = cy - (last.Y + last.Height / 2);
        double speed = Math.Sqrt(vx * vx + vy * vy), distance = Math.Sqrt(dx * dx + dy * dy);
        bool ahead = speed >= MinSpeed && vx * dx + vy * dy >= Math.Cos(Math.PI / 4) * speed * distance;
        return similar && ahead ? t.Track.CentreDistance2(det) : double.PositiveInfinity;
    }

    // The re-identification pass: the look's distance, for a detection of similar height within the wide gate.
    // The look must also be distinctive: under half its distance to any other track of the class (people
    // who look alike leave it to motion, which this wide gate alone does not decide).
    private double ReidCost(OcSortTrack t, Detection d)
    {
        if (Look(t, d) is not { } look) return double.PositiveInfinity;
        foreach (var other in _classTracks)
        {
            if (other != t && other.AppearanceDistance(Seen(d)) is { } o && look >= 0.5 * o) return double.PositiveInfinity;
        }
        var det = Box.Of(d);
        double ratio = det.Height / Math.Max(t.Track.Box.Height, 1e-6);
        bool similar = ratio <= Gates.MaxHeightRatio && ratio >= 1 / Gates.MaxHeightRatio;
        return similar && t.Track.CentreDistance2(det) <= ReidGateScale * Gates.CentreGate ? look : double.PositiveInfinity;
    }

    private double[,] IouCosts(List<OcSortTrack> tracks, List<Detection> dets, long frame, bool observed, bool vetoLook = false) => Costs(tracks, dets, (t, d) =>
    {
        if (vetoLook && LooksOther(t, d)) return double.PositiveInfinity;
        double iou = Overlap(t, observed ? t.Track.LastObserved : t.Track.Box, Box.Of(d), frame);
        return iou >= _options.MinIou ? 1 - iou : double.PositiveInfinity;
    });

    /// <summary>
    /// The overlap a match is scored and gated by: the IoU of <paramref name="track"/> (the filter's
    /// box or the last observation), or for a young track (fewer than three
    /// observations, or whose filter has not yet learned the motion its observations show: <see cref="OcSortTrack.Young"/>) at least the buffered IoU (C-BIoU, <see cref="Box.BufferedIou"/>, buffer
    /// <see cref="YoungBuffer"/>) of its observation-centric prediction (<see cref="OcSortTrack.Extrapolated"/>).
    /// Without it a small object moving a good part of its own width per frame (an 8-px box at
    /// 5 px/frame: IoU 0.2 between frames) never gets past its first frames: a track is born still,
    /// and the filter's velocity prior, scaled to the box height, learns such a speed only over several
    /// frames. The buffer scales with the box, so it widens the search in the object's own size, and
    /// only while the filter is learning the motion.
    /// </summary>
    private static double Overlap(OcSortTrack t, in Box track, in Box det, long frame)
    {
        double iou = Box.Iou(track, det);
        return t.Young && t.Extrapolated(frame) is { } seen ? Math.Max(iou, Box.BufferedIou(seen, det, YoungBuffer)) : iou;
    }

    private static double[,] Costs(List<OcSortTrack> tracks, List<Detection> dets, Func<OcSortTrack, Detection, double> cost)
    {
        var c = new double[tracks.Count, dets.Count];
        for (int i = 0; i < tracks.Count; i++) for (int j = 0; j < dets.Count; j++) c[i, j] = cost(tracks[i], dets[j]);
        return c;
    }
    private static (double X, double Y) Centre(Detection d) => (d.X + d.Width / 2, d.Y + d.Height / 2);

}
