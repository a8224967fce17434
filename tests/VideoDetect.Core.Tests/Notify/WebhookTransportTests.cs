using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using VideoDetect.Notify;
using Xunit;

namespace VideoDetect.Tests.Notify;

/// <summary>Events POSTed to a real HttpListener on 127.0.0.1 that answers as the test says.</summary>
public class WebhookTransportTests
{
    /// <summary>An HttpListener answering each POST with <see cref="Status"/>(n) and keeping the bodies it answered 2xx to.</summary>
    private sealed class Hook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        public readonly ConcurrentQueue<(string Method, string ContentType, string? Auth, string Body)> Received = new();
        public Func<int, int> Status = _ => 200;
        public int Requests;
        public Uri Uri { get; }

        public Hook(int port)
        {
            Uri = new Uri($"http://127.0.0.1:{port}/hook/");
            _listener.Prefixes.Add(Uri.ToString());
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); }
                    catch (Exception) { return; }
                    using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                    string body = await reader.ReadToEndAsync();
                    int status = Status(Interlocked.Increment(ref Requests));
                    if (status / 100 == 2) Received.Enqueue((ctx.Request.HttpMethod, ctx.Request.ContentType ?? "", ctx.Request.Headers["Authorization"], body));
                    ctx.Response.StatusCode = status;
                    ctx.Response.Close();
                }
            });
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(5000);
        }
    }

    private static readonly NotifyOptions Fast = new() { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Each_event_is_POSTed_as_JSON_and_500s_are_retried_until_it_is_taken()
    {
        using var hook = new Hook(LocalServers.FreePort());
        hook.Status = n => n is 2 or 3 ? 500 : 200; // the second event is refused twice, then taken
        await using var sender = new EventSender(new WebhookTransport(hook.Uri, "ops", "secret"), Fast);
        for (int i = 1; i <= 3; i++) sender.TryEnqueue(EventPayloadTests.Sample(i));
        sender.Complete();
        Assert.True(sender.WaitIdle(TimeSpan.FromSeconds(20)));
        Assert.Equal(5, hook.Requests);
        var got = hook.Received.ToList();
        Assert.All(got, r => Assert.Equal("POST", r.Method));
        Assert.All(got, r => Assert.StartsWith("application/json", r.ContentType));
        Assert.All(got, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:secret")), r.Auth));
        Assert.Equal(new[] { 1, 2, 3 }, got.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("trackId").GetInt32()));
        var kinds = new List<SendReportKind>();
        while (sender.TryTakeReport(out var r)) kinds.Add(r.Kind);
        Assert.Equal(new[] { SendReportKind.Sent, SendReportKind.Down, SendReportKind.Retrying, SendReportKind.Recovered, SendReportKind.Sent, SendReportKind.Sent }, kinds);
    }

    [Fact]
    public async Task A_4xx_is_a_refusal_for_good_and_is_not_retried()
    {
        using var hook = new Hook(LocalServers.FreePort());
        hook.Status = n => n == 1 ? 400 : 204;
        await using var sender = new EventSender(new WebhookTransport(hook.Uri), Fast);
        sender.TryEnqueue(EventPayloadTests.Sample(1));
        sender.TryEnqueue(EventPayloadTests.Sample(2));
        sender.Complete();
        Assert.True(sender.WaitIdle(TimeSpan.FromSeconds(20)));
        Assert.Equal((2, 1L, 1L), (hook.Requests, sender.Rejected, sender.Sent));
    }

    [Fact]
    public async Task An_endpoint_that_is_down_keeps_every_queued_event_and_delivers_them_when_it_comes_up()
    {
        int port = LocalServers.FreePort();
        await using var sender = new EventSender(new WebhookTransport(new Uri($"http://127.0.0.1:{port}/hook/")), Fast);
        for (int i = 1; i <= 4; i++) sender.TryEnqueue(EventPayloadTests.Sample(i));
        var first = await LocalServers.NextReport(sender, TimeSpan.FromSeconds(20));
        Assert.Equal((SendReportKind.Down, 4), (first.Kind, first.Waiting));
        Assert.Equal(4, sender.Waiting);

        using var hook = new Hook(port);
        sender.Complete();
        Assert.True(sender.WaitIdle(TimeSpan.FromSeconds(20)));
        Assert.Equal(new[] { 1, 2, 3, 4 }, hook.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("trackId").GetInt32()));
    }
}
