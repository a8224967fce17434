namespace VideoDetect.Notify;

/// <summary>Send-DetectionEvent's queue and retry settings (the cmdlet's defaults come from here).</summary>
public sealed record NotifyOptions
{
    /// <summary>Events that may wait for the endpoint; one more is dropped (and counted).</summary>
    public int QueueLimit { get; init; } = 1000;
    /// <summary>The first retry's wait; each failure in a row doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>One try's limit (connect and deliver).</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (QueueLimit < 1) throw new ArgumentOutOfRangeException(nameof(QueueLimit), QueueLimit, "The queue holds at least one event.");
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay) throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, "Retry delays are positive, the largest at least the first.");
        if (SendTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SendTimeout), SendTimeout, "A try has a positive limit.");
    }

    /// <summary>The wait after <paramref name="failures"/> failures in a row (1, 2, ...): doubling from <see cref="RetryDelay"/>, capped.</summary>
    public TimeSpan Backoff(int failures)
    {
        double ms = RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxRetryDelay.TotalMilliseconds));
    }
}
