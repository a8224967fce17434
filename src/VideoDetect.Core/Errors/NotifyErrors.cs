namespace VideoDetect.Errors;

/// <summary>
/// Send-DetectionEvent could not deliver events: the endpoint is down (events wait and are retried),
/// it refused one for good, the queue overflowed, or events were still unsent when the flush timed
/// out: <see cref="ErrorIds.NotificationFailed"/>. Always non-terminating; the message gives the count.
/// </summary>
public sealed class NotificationFailedException(string message, Exception? inner = null) : VideoDetectException(ErrorIds.NotificationFailed, message, inner);
