namespace VideoDetect.Video;

/// <summary>What a <see cref="LiveStream"/> tells its producer (Split-VideoClip), in order.</summary>
public abstract record LiveEvent;

/// <summary>Frame <paramref name="Index"/> arrived at <paramref name="Time"/> after frame 0's receive time (<see cref="LiveStream.RecordingStart"/>).</summary>
public sealed record LiveFrame(long Index, TimeSpan Time) : LiveEvent;

/// <summary>
/// The stream dropped after frame <paramref name="LastIndex"/> (received at wall-clock <paramref name="Start"/>)
/// and came back <paramref name="Length"/> later with frame <paramref name="LastIndex"/> + 1, after
/// <paramref name="Tries"/> reopen tries. What the camera sent meanwhile is lost; indices go on counting.
/// </summary>
public sealed record LiveGap(long LastIndex, DateTimeOffset Start, TimeSpan Length, int Tries) : LiveEvent
{
    public override string ToString() =>
        $"stream lost at {Start:yyyy-MM-dd HH:mm:ss.fff zzz} after frame {LastIndex}, back after {Length.TotalSeconds:0.0} s ({Tries} reopen {(Tries == 1 ? "try" : "tries")}); frame {LastIndex + 1} follows the gap";
}

/// <summary>The stream ended: stopped by its owner, or given up (<paramref name="Error"/>).</summary>
public sealed record LiveEnded(LiveSourceUnavailableException? Error) : LiveEvent;
