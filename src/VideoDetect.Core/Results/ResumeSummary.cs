namespace VideoDetect.Results;

/// <summary>
/// What a resumed plan (Split-VideoClip -ResumeFrom) does with each video, given what the result
/// folder holds for it, and the one-line account of the whole run for the information stream:
/// "skipped 47 finished videos, resumed cam3.mp4 at clip 12, 2 new". A finished video and one
/// another run is writing get no clips; a partial one restarts after its last whole clip
/// (<see cref="VideoDetect.Video.ShardUnits.ResumeAfter"/>); a new, changed or unreadable one is planned in full.
/// </summary>
public sealed class ResumeSummary
{
    public int Skipped { get; private set; }
    public List<string> Resumed { get; } = new();
    public int New { get; private set; }
    public int Redone { get; private set; }
    public int InUse { get; private set; }
    /// <summary>Finished videos whose source is truncated, with the figures ("broken.avi: 6 of the 795 frames …").</summary>
    public List<string> Truncated { get; } = new();

    /// <summary>Whether a video in this state gets no clips: its results are complete, or another run is writing them.</summary>
    public static bool LeavesAlone(StoredResult stored) => stored.State is StoredState.Complete or StoredState.InUse;

    /// <summary>Counts one video (<paramref name="name"/>, as the account names it) in the state its results are in.</summary>
    public void Count(string name, StoredResult stored)
    {
        switch (stored.State)
        {
            case StoredState.Complete:
                Skipped++;
                if (stored.Truncation is { } figures) Truncated.Add($"{name}: {figures}");
                break;
            case StoredState.InUse: InUse++; break;
            case StoredState.Partial: Resumed.Add($"{name} at clip {stored.LastClip + 1}"); break;
            case StoredState.None: New++; break;
            default: Redone++; break; // Changed, Corrupt
        }
    }

    public override string ToString()
    {
        var parts = new List<string> { $"skipped {Skipped} finished video{(Skipped == 1 ? "" : "s")}" };
        if (Truncated.Count > 0) parts[0] += $" ({Truncated.Count} truncated: {string.Join("; ", Truncated)})";
        parts.AddRange(Resumed.Select(r => "resumed " + r));
        parts.Add($"{New} new");
        if (Redone > 0) parts.Add($"{Redone} changed or unreadable, done again");
        if (InUse > 0) parts.Add($"{InUse} being written by another run, left to it");
        return string.Join(", ", parts);
    }
}
