namespace VideoDetect.Notify;

/// <summary>
/// Where Send-DetectionEvent's messages go (an MQTT topic, a webhook). <see cref="SendAsync"/> delivers
/// one payload or throws: <see cref="NotificationRejectedException"/> when the endpoint refused this
/// message for good (it is not retried), any other exception when it may succeed later (retried with
/// backoff by <see cref="EventSender"/>). Called from one sender task only, never concurrently.
/// </summary>
public interface INotificationTransport : IAsyncDisposable
{
    /// <summary>The endpoint for messages: "mqtt://host:1883/topic", "http://host/hook".</summary>
    string Target { get; }

    Task SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>The endpoint refused a message for good (an HTTP 4xx other than 408/429): it is dropped, not retried.</summary>
public sealed class NotificationRejectedException(string message) : Exception(message);
