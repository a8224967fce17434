using System.Collections.Concurrent;
using System.Text.Json;
using VideoDetect.Events;
using VideoDetect.Notify;
using Xunit;

namespace VideoDetect.Tests.Notify;

/// <summary>The sender's queue, order, retries and counts, over a transport that fails on demand.</summary>
public class EventSenderTests
{
    /// <summary>Delivers into <see cref="Received"/> (their trackIds) while <see cref="Fail"/> says no exception, else throws it.</summary>
    private sealed class FakeTransport : INotificationTransport
    {
        public readonly ConcurrentQueue<int> Received = new();
        public Func<int, Exception?> Fail = _ => null;
        public int Attempts;
        public TaskCompletionSource? Gate; // while set, a send waits for it

        public string Target => "fake://t";

        public async Task SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            int attempt = Interlocked.Increment(ref Attempts);
            if (Gate is { } g) await g.Task.WaitAsync(cancellationToken);
            if (Fail(attempt) is { } x) throw x;
            using var doc = JsonDocument.Parse(payload);
            Received.Enqueue(doc.RootElement.GetProperty("trackId").GetInt32());
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static readonly NotifyOptions Fast = new() { RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(80) };

    private static List<SendReport> Reports(EventSender s)
    {
        var all = new List<SendReport>();
        while (s.TryTakeReport(out var r)) all.Add(r);
        return all;
    }

    [Fact]
    public async Task An_endpoint_down_at_first_gets_every_event_in_order_once_it_comes_up()
    {
        var t = new FakeTransport { Fail = a => a <= 4 ? new IOException("connection refused") : null };
        await using var s = new EventSender(t, Fast);
        for (int i = 1; i <= 5; i++) Assert.True(s.TryEnqueue(EventPayloadTests.Sample(i)));
        s.Complete();
        Assert.True(s.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, t.Received);
        var reports = Reports(s);
        var problems = reports.Where(r => r.Kind != SendReportKind.Sent).Select(r => r.Kind).ToList();
        Assert.Equal(new[] { SendReportKind.Down, SendReportKind.Retrying, SendReportKind.Retrying, SendReportKind.Retrying, SendReportKind.Recovered }, problems);
        Assert.Contains("5 events wait", reports.First(r => r.Kind == SendReportKind.Down).Message);
        Assert.Equal((5L, 0L, 0), (s.Sent, s.Dropped, s.Waiting));
    }

    [Fact]
    public void Backoff_doubles_from_the_first_delay_up_to_the_cap()
    {
        var o = new NotifyOptions { RetryDelay = TimeSpan.FromMilliseconds(500), MaxRetryDelay = TimeSpan.FromSeconds(3) };
        Assert.Equal(new[] { 500.0, 1000, 2000, 3000, 3000 }, Enumerable.Range(1, 5).Select(n => o.Backoff(n).TotalMilliseconds));
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_the_events_that_do_not_fit_and_sends_the_rest()
    {
        var t = new FakeTransport { Gate = new TaskCompletionSource() };
        await using var s = new EventSender(t, Fast with { QueueLimit = 3 });
        int accepted = Enumerable.Range(1, 10).Count(i => s.TryEnqueue(EventPayloadTests.Sample(i)));
        Assert.Equal(3, accepted);
        Assert.Equal(7, s.Dropped);
        t.Gate.SetResult();
        s.Complete();
        Assert.True(s.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(new[] { 1, 2, 3 }, t.Received);
    }

    [Fact]
    public async Task A_refusal_for_good_drops_that_event_only_and_reports_it()
    {
        var t = new FakeTransport { Fail = a => a == 2 ? new NotificationRejectedException("400 Bad Request") : null };
        await using var s = new EventSender(t, Fast);
        for (int i = 1; i <= 3; i++) s.TryEnqueue(EventPayloadTests.Sample(i));
        s.Complete();
        Assert.True(s.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(new[] { 1, 3 }, t.Received);
        Assert.Equal(1, s.Rejected);
        Assert.Single(Reports(s), r => r.Kind == SendReportKind.Rejected && r.Event!.TrackId == 2);
    }

    [Fact]
    public async Task Abandoning_a_sender_whose_endpoint_stays_down_gives_the_count_left_unsent()
    {
        var t = new FakeTransport { Fail = _ => new IOException("down") };
        await using var s = new EventSender(t, Fast);
        for (int i = 1; i <= 4; i++) s.TryEnqueue(EventPayloadTests.Sample(i));
        s.Complete();
        Assert.True(await LocalServers.WaitUntil(() => Volatile.Read(ref t.Attempts) >= 3, TimeSpan.FromSeconds(20)), $"retried ({t.Attempts} tries)");
        Assert.False(s.WaitIdle(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(4, s.Abandon());
        Assert.Empty(t.Received);
        Assert.Single(Reports(s), r => r.Kind == SendReportKind.Down);
    }

    [Fact]
    public async Task Enqueueing_never_waits_for_a_slow_endpoint()
    {
        var t = new FakeTransport { Gate = new TaskCompletionSource() };
        await using var s = new EventSender(t, Fast with { QueueLimit = 1000 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 1; i <= 1000; i++) s.TryEnqueue(EventPayloadTests.Sample(i));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"1000 events queued in {clock.Elapsed}");
        t.Gate.SetResult();
        s.Complete();
        Assert.True(s.WaitIdle(TimeSpan.FromSeconds(20)));
        Assert.Equal(Enumerable.Range(1, 1000), t.Received);
    }
}
