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

    internal Track(int classId, in Box box, float score, long frame, TimeSpan time)
    {
        ClassId = classId;
        _filter = KalmanBoxFilter.Start(box);
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

    /// <summary>The filter's box at <see cref="PredictedFrame"/>.</summary>
    public Box Box => _filter.Box;

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
        Score = score;
        LastFrame = frame;
        LastTime = time;
        Hits++;
    }
}
