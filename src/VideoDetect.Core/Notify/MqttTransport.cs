using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;

namespace VideoDetect.Notify;

/// <summary>
/// An MQTT broker and topic (MQTTnet): each payload is published with QoS 1 (at least once: the
/// broker acknowledges it). Connects on the first send and again after a failure, so a broker that
/// is down or restarts is simply retried by <see cref="EventSender"/>.
/// </summary>
public sealed class MqttTransport : INotificationTransport
{
    private readonly MqttClientOptions _options;
    private readonly string _topic;
    private IMqttClient? _client;

    public MqttTransport(MqttEndpoint endpoint, string topic, string? userName = null, string? password = null, bool useTls = false)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (string.IsNullOrEmpty(topic) || topic.Contains('+') || topic.Contains('#')) throw new ArgumentException($"'{topic}' is not a topic to publish to (empty, or a wildcard).", nameof(topic));
        _topic = topic;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithClientId("videodetect-" + Guid.NewGuid().ToString("N")[..12])
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (userName is not null) builder = builder.WithCredentials(userName, password);
        if (useTls) builder = builder.WithTlsOptions(o => o.UseTls());
        _options = builder.Build();
        Target = $"{(useTls ? "mqtts" : "mqtt")}://{endpoint}/{topic}";
    }

    public string Target { get; }

    public async Task SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            if (_client is not { IsConnected: true })
            {
                _client?.Dispose();
                _client = new MqttClientFactory().CreateMqttClient();
                var connected = await _client.ConnectAsync(_options, cancellationToken).ConfigureAwait(false);
                if (connected.ResultCode != MqttClientConnectResultCode.Success)
                    throw new IOException($"The broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
            }
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(_topic)
                .WithPayload(payload.ToArray())
                .WithContentType("application/json")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var published = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (!published.IsSuccess) throw new IOException($"The broker did not accept the message: {published.ReasonCode} {published.ReasonString}");
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A fresh connection on the next try: the client's state after a failure is not worth trusting.
            _client?.Dispose();
            _client = null;
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true } c)
        {
            try { await c.DisconnectAsync().ConfigureAwait(false); }
            catch (Exception) { /* going away anyway */ }
        }
        _client?.Dispose();
        _client = null;
    }
}

/// <summary>A broker's address, "host:port" or "host" (port 1883, or 8883 with TLS); IPv6 in brackets ("[::1]:1883").</summary>
public sealed record MqttEndpoint(string Host, int Port)
{
    public static MqttEndpoint Parse(string text, bool useTls = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        int defaultPort = useTls ? 8883 : 1883;
        string host = text.Trim();
        int port = defaultPort;
        int colon = host.LastIndexOf(':');
        if (colon > 0 && (host[0] != '[' || host[colon - 1] == ']'))
        {
            if (!int.TryParse(host[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                throw new FormatException($"'{text}' is not host:port (the port is 1 to 65535).");
            host = host[..colon];
        }
        host = host.Trim('[', ']');
        if (host.Length == 0 || host.Contains('/') || host.Contains(':') && !text.Contains('[')) throw new FormatException($"'{text}' is not host:port.");
        return new MqttEndpoint(host, port);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
