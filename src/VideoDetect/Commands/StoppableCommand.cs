using System.Diagnostics;
using System.Management.Automation;

namespace VideoDetect.Commands;

/// <summary>
/// What every long-running VideoDetect cmdlet shares: a token cancelled by Ctrl+C / a stopping
/// pipeline (<see cref="StopProcessing"/>), and a progress throttle so Write-Progress costs nothing
/// on the hot path. Runs on the pipeline thread.
/// </summary>
public abstract class StoppableCommand : PSCmdlet, IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastProgress;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>Time since the command started.</summary>
    protected TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>True at most every 250 ms: whether a progress record is due.</summary>
    protected bool ProgressDue()
    {
        var now = _clock.Elapsed;
        if (_lastProgress is { } last && now - last < ProgressInterval) return false;
        _lastProgress = now;
        return true;
    }

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Runs <paramref name="work"/>; a cancellation that came from <see cref="StopToken"/> becomes the
    /// <see cref="PipelineStoppedException"/> PowerShell expects of a stopped cmdlet.
    /// </summary>
    protected T UntilStopped<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Frees what the command holds; the token is cancelled first so background work stops.</summary>
    protected virtual void DisposeCore() { }

    public void Dispose()
    {
        _stopping.Cancel();
        DisposeCore();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
