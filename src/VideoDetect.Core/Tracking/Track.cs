namespace VideoDetect.Tracking;

/// <summary>Where a track is in ByteTrack's life cycle.</summary>
public enum TrackState
{
    /// <summary>Started, not yet matched <see cref="TrackerOptions.MinHits"/> times: no id yet.</summary>
    Tentative,
    /// <summary>Confirmed and matched in the last frame.</summary>
    Tracked,
    /// <summary>Confirmed, unmatched since <see cref="Track.LastFrame"/>: predicted on, waiting in the lost-track buffer.</summary>
    Lost,
    /// <summary>Dropped.</summary>
    Removed,
}

/// <summary>One object's track within one class of one source (ByteTrack's STrack).</summary>
public sealed class Track
{
    private KalmanBoxFilter _filter;
    // The filter right after the last update and the box measured then: OC-SORT's re-update restarts from them.
    private KalmanBoxFilter _observedFilter;

    internal Track(int classId, in Box box, float score, long frame, TimeSpan time)
    {
        ClassId = classId;
        _filter = KalmanBoxFilter.Start(box);
        _observedFilter = _filter;
        LastObserved = box;
        Score = score;
        FirstFrame = LastFrame = PredictedFrame = frame;
        LastTime = time;
        Hits = 1;
    }

    /// <summary>The id (1, 2, … per source), given when the track is confirmed; 0 before.</summary>
    public int Id { get; internal set; }
    public int ClassId { get; }
    public TrackState State { get; internal set; } = TrackState.Tentative;
    public float Score { get; private set; }
    public int Hits { get; private set; }
    public long FirstFrame { get; }
    /// <summary>The last frame the track was matched in.</summary>
    public long LastFrame { get; private set; }
    public TimeSpan LastTime { get; private set; }
    /// <summary>The frame the state was predicted to.</summary>
    public long PredictedFrame { get; private set; }

    /// <summary>The box measured at <see cref="LastFrame"/> (OC-SORT's last observation).</summary>
    public Box LastObserved { get; private set; }

    /// <summary>The filter's box at <see cref="PredictedFrame"/>.</summary>
    public Box Box => _filter.Box;

    /// <summary>The filter's centre velocity, pixels per frame.</summary>
    internal (double X, double Y) Velocity => _filter.Velocity;

    /// <summary>The standard deviation of <see cref="Velocity"/>, as the filter holds it.</summary>
    internal (double X, double Y) VelocityStd => _filter.VelocityStd;

    /// <summary>Squared Mahalanobis distance of the box's centre from the predicted one (<see cref="KalmanBoxFilter.CentreDistance2"/>).</summary>
    internal double CentreDistance2(in Box box) => _filter.CentreDistance2(box);

    internal void PredictTo(long frame)
    {
        if (State != TrackState.Tracked) _filter.HoldShape();
        if (frame > PredictedFrame) _filter.Predict(frame - PredictedFrame);
        PredictedFrame = Math.Max(PredictedFrame, frame);
    }

    internal void Update(in Box box, float score, long frame, TimeSpan time)
    {
        PredictTo(frame);
        _filter.Update(box);
        Observed(box, score, frame, time);
    }

    /// <summary>
    /// OC-SORT's observation-centric re-update: a track found again after frames without a match goes
    /// back to its filter at the last observation and is updated frame by frame along the straight
    /// path from that observation to <paramref name="box"/> (virtual observations, the last one being
    /// <paramref name="box"/> itself), so the velocity it drifted to while predicted alone is replaced
    /// by the one the two real observations imply.
    /// </summary>
    internal void ReUpdate(in Box box, float score, long frame, TimeSpan time)
    {
        long gap = frame - LastFrame;
        if (gap <= 1)
        {
            Update(box, score, frame, time);
            return;
        }
        _filter = _observedFilter;
        var from = LastObserved;
        for (long i = 1; i <= gap; i++)
        {
            double s = (double)i / gap;
            _filter.Predict(1);
            _filter.Update(i == gap ? box : new Box(
                from.X + s * (box.X - from.X), from.Y + s * (box.Y - from.Y),
                from.Width + s * (box.Width - from.Width), from.Height + s * (box.Height - from.Height)));
        }
        PredictedFrame = frame;
        Observed(box, score, frame, time);
    }

    private void Observed(in Box box, float score, long frame, TimeSpan time)
    {
        _observedFilter = _filter;
        LastObserved = box;
        Score = score;
        LastFrame = frame;
        LastTime = time;
        Hits++;
    }
}
