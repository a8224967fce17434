using System.Collections.Concurrent;
using System.Threading.Channels;
using VideoDetect.Events;

namespace VideoDetect.Notify;

/// <summary>What the sender task tells the pipeline thread (which alone writes to PowerShell's streams).</summary>
public enum SendReportKind
{
    /// <summary>An event was delivered (<see cref="SendReport.Event"/>).</summary>
    Sent,
    /// <summary>The endpoint failed after working (or at the first try): events wait and are retried.</summary>
    Down,
    /// <summary>A retry failed again (for -Verbose).</summary>
    Retrying,
    /// <summary>The endpoint works again after being down.</summary>
    Recovered,
    /// <summary>The endpoint refused an event for good; it is dropped.</summary>
    Rejected,
}

/// <summary>One thing the sender task reports; <see cref="Waiting"/> is how many events wait in the queue then.</summary>
public sealed record SendReport(SendReportKind Kind, string Message, int Waiting, DetectionEvent? Event = null, Exception? Error = null);

/// <summary>
/// Sends events off the pipeline thread: <see cref="TryEnqueue"/> puts one in a bounded queue
/// (<see cref="NotifyOptions.QueueLimit"/>; when full it is dropped and counted, never blocking the
/// pipeline), one sender task delivers them in order through the transport, retrying the event at the
/// head with exponential backoff while the endpoint is down, so nothing in the queue is lost or
/// reordered. What happens comes back as <see cref="SendReport"/>s for the caller to drain
/// (<see cref="TryTakeReport"/>) on its own thread. <see cref="Complete"/> ends the input,
/// <see cref="WaitIdle"/> waits for the queue to drain, <see cref="Abandon"/> stops and gives the count left.
/// </summary>
public sealed class EventSender : IAsyncDisposable
{
    private readonly INotificationTransport _transport;
    private readonly NotifyOptions _options;
    private readonly Channel<DetectionEvent> _queue;
    private readonly ConcurrentQueue<SendReport> _reports = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _completing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _worker;
    private long _sent, _dropped, _rejected;

    public EventSender(INotificationTransport transport, NotifyOptions? options = null)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _options = options ?? new NotifyOptions();
        _options.Validate();
        _queue = Channel.CreateBounded<DetectionEvent>(new BoundedChannelOptions(_options.QueueLimit)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        _worker = Task.Run(RunAsync);
    }

    public string Target => _transport.Target;
    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Events refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Events the endpoint refused for good.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);
    /// <summary>Events queued or being sent now.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>Queues <paramref name="e"/>; false (and counted in <see cref="Dropped"/>) when the queue is full or closed.</summary>
    public bool TryEnqueue(DetectionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_queue.Writer.TryWrite(e)) return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }

    public bool TryTakeReport(out SendReport report) => _reports.TryDequeue(out report!);

    /// <summary>No more events; a sender waiting to retry tries again at once.</summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        _completing.TrySetResult();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for every queued event to be sent (after <see cref="Complete"/>); true when done.</summary>
    public bool WaitIdle(TimeSpan timeout) => _worker.Wait(timeout);

    /// <summary>Stops the sender now; returns how many events were left unsent.</summary>
    public int Abandon()
    {
        Complete();
        _stop.Cancel();
        try { _worker.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { /* cancelled: counted below */ }
        return Waiting;
    }

    private async Task RunAsync()
    {
        int failures = 0;
        bool down = false;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                if (!_queue.Reader.TryPeek(out var e)) continue;
                // Peeked, not taken: the event keeps its place (and counts in Waiting) until it is delivered.
                byte[] payload = EventPayload.ToJson(e);
                while (true)
                {
                    try
                    {
                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                        attempt.CancelAfter(_options.SendTimeout);
                        await _transport.SendAsync(payload, attempt.Token).ConfigureAwait(false);
                        _queue.Reader.TryRead(out _);
                        Interlocked.Increment(ref _sent);
                        if (down) _reports.Enqueue(new SendReport(SendReportKind.Recovered, $"{Target} is reachable again after {failures} failed tries.", _queue.Reader.Count));
                        (down, failures) = (false, 0);
                        _reports.Enqueue(new SendReport(SendReportKind.Sent, $"Sent {EventPayload.TypeOf(e)} {e.Describe()} to {Target}.", _queue.Reader.Count, e));
                        break;
                    }
                    catch (NotificationRejectedException r)
                    {
                        _queue.Reader.TryRead(out _);
                        Interlocked.Increment(ref _rejected);
                        _reports.Enqueue(new SendReport(SendReportKind.Rejected, $"{Target} refused the event {e.Describe()}: {r.Message}; it is dropped.", _queue.Reader.Count, e, r));
                        break;
                    }
                    catch (Exception x) when (!_stop.IsCancellationRequested)
                    {
                        failures++;
                        var wait = _options.Backoff(failures);
                        string why = x is OperationCanceledException ? $"no answer within {_options.SendTimeout.TotalSeconds:0.#} s" : x.Message;
                        int waiting = _queue.Reader.Count;
                        _reports.Enqueue(down
                            ? new SendReport(SendReportKind.Retrying, $"{Target} still fails ({why}); {waiting} events wait; next try in {wait.TotalSeconds:0.#} s.", waiting, e, x)
                            : new SendReport(SendReportKind.Down, $"Cannot send to {Target} ({why}); {waiting} events wait in the queue and are retried with backoff (next try in {wait.TotalSeconds:0.#} s).", waiting, e, x));
                        down = true;
                        // Wait out the backoff, but try at once when the input ends (the flush).
                        if (!_completing.Task.IsCompleted) await Task.WhenAny(Task.Delay(wait, _stop.Token), _completing.Task).ConfigureAwait(false);
                        else await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Abandoned: what is left stays counted in Waiting.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abandon();
        await _transport.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
