using System.Management.Automation;
using VideoDetect.Events;
using VideoDetect.Notify;

namespace VideoDetect.Commands;

/// <summary>
/// Send-DetectionEvent: sends each DetectionEvent as JSON (<see cref="EventPayload"/>) to an MQTT
/// topic (QoS 1) or a webhook (HTTP POST), as the events come. Sending runs off the pipeline thread in
/// Core's <see cref="EventSender"/> (a bounded queue and one sender task, retries with backoff), so a
/// slow or absent endpoint never stalls detection; this cmdlet only drains the sender's reports into
/// PowerShell's streams on the pipeline thread, and flushes the queue at the end (-FlushTimeout).
/// </summary>
[Cmdlet(VerbsCommunications.Send, "DetectionEvent", SupportsShouldProcess = true, DefaultParameterSetName = MqttSet)]
[OutputType(typeof(DetectionEvent))]
public sealed class SendDetectionEventCommand : StoppableCommand
{
    private const string MqttSet = "Mqtt";
    private const string WebhookSet = "Webhook";
    private EventSender? _sender;
    private bool _overflowing;

    /// <summary>Events from ConvertTo-DetectionEvent (with -EmitOpen for -OnOpen), Import-DetectionEvent or Export-EventSnapshot -PassThru.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(DetectionEvent))]
    public DetectionEvent[] InputObject { get; set; } = Array.Empty<DetectionEvent>();

    /// <summary>The MQTT broker, host:port (port 1883, or 8883 with -UseTls, when left out).</summary>
    [Parameter(Mandatory = true, ParameterSetName = MqttSet)]
    [ValidateNotNullOrEmpty]
    [ValidateMqttServer]
    public string MqttServer { get; set; } = "";

    /// <summary>The topic each event is published to (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = MqttSet)]
    [ValidateNotNullOrEmpty]
    public string Topic { get; set; } = "";

    /// <summary>Connect to the broker with TLS.</summary>
    [Parameter(ParameterSetName = MqttSet)]
    public SwitchParameter UseTls { get; set; }

    /// <summary>The webhook: each event is POSTed as application/json.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WebhookSet)]
    [ValidateNotNull]
    [ValidateWebhookUri]
    public Uri? Uri { get; set; }

    /// <summary>User name and password: the broker's login, or the webhook's Basic authentication.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Also send an "opened" message (type new) for events ConvertTo-DetectionEvent -EmitOpen marks IsOpen; without it they are skipped.</summary>
    [Parameter]
    public SwitchParameter OnOpen { get; set; }

    /// <summary>Events that may wait while the endpoint is slow or down; more are dropped and counted.</summary>
    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int QueueLimit { get; set; } = new NotifyOptions().QueueLimit;

    /// <summary>How long the end of the pipeline waits for the queue to be sent.</summary>
    [Parameter]
    [ValidatePositive(AllowZero = true)]
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between retries (they start at 0.5 s, or at this when it is shorter, and double).</summary>
    [Parameter]
    [ValidatePositive]
    public TimeSpan MaxRetryDelay { get; set; } = new NotifyOptions().MaxRetryDelay;

    /// <summary>Write each closed event once it has been delivered (opened messages are not passed on).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var e in InputObject)
        {
            if (e is null || (e.IsOpen && !OnOpen)) continue;
            if (!ShouldProcess(TargetName, $"Send the {EventPayload.TypeOf(e)} message of {e.Describe()}")) continue;
            _sender ??= new EventSender(OpenTransport(), Options());
            if (_sender.TryEnqueue(e)) _overflowing = false;
            else if (!_overflowing)
            {
                _overflowing = true;
                WriteWarning($"The queue of {QueueLimit} events for {_sender.Target} is full: events are dropped until it drains ({_sender.Dropped} so far); the count comes as a NotificationFailed error at the end.");
            }
        }
        Drain();
    }

    protected override void EndProcessing()
    {
        if (_sender is null) return;
        _sender.Complete();
        var deadline = Elapsed + FlushTimeout;
        while (!_sender.WaitIdle(TimeSpan.FromMilliseconds(100)))
        {
            Drain();
            if (Elapsed >= deadline || StopToken.IsCancellationRequested) break;
        }
        int unsent = _sender.Abandon();
        Drain();
        long dropped = _sender.Dropped;
        if (unsent > 0 || dropped > 0)
        {
            var parts = new List<string>();
            if (unsent > 0) parts.Add($"{unsent} events were not sent to {_sender.Target} within -FlushTimeout {FlushTimeout.TotalSeconds:0.#} s");
            if (dropped > 0) parts.Add($"{dropped} events were dropped because the queue of -QueueLimit {QueueLimit} was full");
            WriteError(ErrorMapping.Record(new VideoDetect.Errors.NotificationFailedException(string.Join("; ", parts) + $" ({_sender.Sent} sent)."), _sender.Target));
        }
        WriteVerbose($"Sent {_sender.Sent} events to {_sender.Target}; {unsent} unsent, {dropped} dropped, {_sender.Rejected} refused.");
    }

    /// <summary>Writes what the sender task reported since the last call (on the pipeline thread).</summary>
    private void Drain()
    {
        if (_sender is null) return;
        while (_sender.TryTakeReport(out var r))
        {
            switch (r.Kind)
            {
                case SendReportKind.Sent:
                    WriteVerbose(r.Message);
                    if (PassThru && r.Event is { IsOpen: false } e) WriteObject(e);
                    break;
                case SendReportKind.Down:
                case SendReportKind.Rejected:
                    WriteError(ErrorMapping.Record(new VideoDetect.Errors.NotificationFailedException(r.Message, r.Error), _sender.Target));
                    break;
                case SendReportKind.Recovered:
                    WriteWarning(r.Message);
                    break;
                default:
                    WriteVerbose(r.Message);
                    break;
            }
        }
    }

    private NotifyOptions Options()
    {
        var defaults = new NotifyOptions();
        return defaults with { QueueLimit = QueueLimit, MaxRetryDelay = MaxRetryDelay, RetryDelay = MaxRetryDelay < defaults.RetryDelay ? MaxRetryDelay : defaults.RetryDelay };
    }

    private string TargetName => ParameterSetName == MqttSet ? $"{MqttEndpoint.Parse(MqttServer, UseTls)}/{Topic}" : Uri!.ToString();

    private INotificationTransport OpenTransport()
    {
        string? user = Credential?.UserName;
        string? password = Credential?.GetNetworkCredential().Password;
        return ParameterSetName == MqttSet
            ? new MqttTransport(MqttEndpoint.Parse(MqttServer, UseTls), Topic, user, password, UseTls)
            : new WebhookTransport(Uri!, user, password);
    }

    protected override void DisposeCore()
    {
        _sender?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        _sender = null;
    }
}
