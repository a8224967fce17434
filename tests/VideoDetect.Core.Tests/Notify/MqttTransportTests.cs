using System.Text.Json;
using VideoDetect.Notify;
using Xunit;

namespace VideoDetect.Tests.Notify;

/// <summary>Events published to a real mosquitto broker started by the test, read back with mosquitto_sub.</summary>
public class MqttTransportTests
{
    private static List<(int Qos, JsonElement Json)> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (int.Parse(l[..1], System.Globalization.CultureInfo.InvariantCulture), JsonDocument.Parse(l[2..]).RootElement.Clone())).ToList();

    [MosquittoFact]
    public async Task Events_reach_the_broker_as_JSON_with_QoS_1_in_order()
    {
        int port = LocalServers.FreePort();
        var broker = LocalServers.StartBroker(port);
        System.Diagnostics.Process? sub = null;
        try
        {
            sub = LocalServers.Subscribe(port, "videodetect/cam3", 3);
            broker.WaitSubscribed();
            await using var sender = new EventSender(new MqttTransport(new MqttEndpoint("127.0.0.1", port), "videodetect/cam3"));
            for (int i = 1; i <= 3; i++) sender.TryEnqueue(EventPayloadTests.Sample(i) with { IsOpen = i == 1 });
            sender.Complete();
            Assert.True(sender.WaitIdle(TimeSpan.FromSeconds(20)));
            string output = await sub.StandardOutput.ReadToEndAsync();
            Assert.True(sub.WaitForExit(20_000));
            var lines = Lines(output);
            Assert.Equal(new[] { 1, 1, 1 }, lines.Select(l => l.Qos));
            Assert.Equal(new[] { 1, 2, 3 }, lines.Select(l => l.Json.GetProperty("trackId").GetInt32()));
            Assert.Equal(new[] { "new", "end", "end" }, lines.Select(l => l.Json.GetProperty("type").GetString()));
            Assert.Equal("2026-12-05T10:00:01.0000000+01:00", lines[0].Json.GetProperty("startedAt").GetString());
            Assert.Equal(3, sender.Sent);
        }
        finally
        {
            LocalServers.Stop(sub);
            LocalServers.Stop(broker);
        }
    }

    [MosquittoFact]
    public async Task A_broker_down_at_the_start_gets_the_queued_events_once_it_is_started()
    {
        int port = LocalServers.FreePort();
        LocalServers.Broker? broker = null;
        System.Diagnostics.Process? sub = null;
        try
        {
            var held = new HeldTransport(new MqttTransport(new MqttEndpoint("127.0.0.1", port), "vd/late"));
            await using var sender = new EventSender(held,
                new NotifyOptions { RetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(400) });
            for (int i = 1; i <= 5; i++) Assert.True(sender.TryEnqueue(EventPayloadTests.Sample(i)));
            var reports = new List<SendReport> { await LocalServers.NextReport(sender, TimeSpan.FromSeconds(20)) };
            Assert.Equal(SendReportKind.Down, reports[0].Kind);
            Assert.Equal(5, reports[0].Waiting);
            Assert.Equal((0L, 5), (sender.Sent, sender.Waiting));
            Assert.Contains($"mqtt://127.0.0.1:{port}/vd/late", reports[0].Message);

            // The broker comes up; the sender is held back until mosquitto_sub has subscribed (else the first events would reach no subscriber).
            held.Hold = true;
            broker = LocalServers.StartBroker(port);
            sub = LocalServers.Subscribe(port, "vd/late", 5);
            broker.WaitSubscribed();
            held.Hold = false;
            sender.Complete();
            Assert.True(sender.WaitIdle(TimeSpan.FromSeconds(20)));
            string output = await sub.StandardOutput.ReadToEndAsync();
            Assert.Equal(new[] { 1, 2, 3, 4, 5 }, Lines(output).Select(l => l.Json.GetProperty("trackId").GetInt32()));
            while (sender.TryTakeReport(out var r)) reports.Add(r);
            Assert.Contains(reports, r => r.Kind == SendReportKind.Recovered);
        }
        finally
        {
            LocalServers.Stop(sub);
            LocalServers.Stop(broker);
        }
    }

    [MosquittoFact]
    public async Task With_a_login_the_right_credentials_deliver_and_wrong_ones_are_a_failure_that_is_retried()
    {
        using var dir = new TempDir();
        int port = LocalServers.FreePort();
        var broker = LocalServers.StartBrokerWithLogin(port, dir.Path, "ops", "s3cret");
        System.Diagnostics.Process? sub = null;
        try
        {
            await using (var wrong = new EventSender(new MqttTransport(new MqttEndpoint("127.0.0.1", port), "vd/login", "ops", "nope")))
            {
                wrong.TryEnqueue(EventPayloadTests.Sample(1));
                var down = await LocalServers.NextReport(wrong, TimeSpan.FromSeconds(20));
                Assert.Equal(SendReportKind.Down, down.Kind);
                Assert.Equal(0, wrong.Sent);
            }
            sub = LocalServers.Subscribe(port, "vd/login", 1, "ops", "s3cret");
            broker.WaitSubscribed();
            await using var right = new EventSender(new MqttTransport(new MqttEndpoint("127.0.0.1", port), "vd/login", "ops", "s3cret"));
            right.TryEnqueue(EventPayloadTests.Sample(2));
            right.Complete();
            Assert.True(right.WaitIdle(TimeSpan.FromSeconds(20)));
            string output = await sub.StandardOutput.ReadToEndAsync();
            Assert.Equal(new[] { 2 }, Lines(output).Select(l => l.Json.GetProperty("trackId").GetInt32()));
        }
        finally
        {
            LocalServers.Stop(sub);
            LocalServers.Stop(broker);
        }
    }

    /// <summary>Passes sends to the real transport, or fails them while <see cref="Hold"/> is set (the test's window to subscribe).</summary>
    private sealed class HeldTransport(INotificationTransport inner) : INotificationTransport
    {
        public volatile bool Hold;
        public string Target => inner.Target;
        public Task SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            Hold ? Task.FromException(new IOException("held by the test")) : inner.SendAsync(payload, cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
