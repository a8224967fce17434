using System.Management.Automation;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Split-VideoClip on a live stream's URL (rtsp://, http(s)://, udp://, ...) or a local capture device
/// (-Device, <see cref="LiveDevice"/>): the stream is received
/// (<see cref="LiveStream"/>, FFmpeg decoding to raw frames) and its clips are written as the frames
/// arrive (<see cref="LiveClipCutter"/>), until -For has passed, -Until is reached, the stream is given
/// up (LiveSourceUnavailable) or Ctrl+C. A dropped stream is reopened (-ReconnectDelay, -MaxReconnect);
/// each gap is a warning, and the clip after it says GapBefore. The clips' frames stay in the stream's
/// bounded buffer until ConvertTo-FrameBatch, later in the same pipeline, decodes them; the stream is
/// released when the pipeline is done (<see cref="DisposeCore"/>).
/// </summary>
public sealed partial class SplitVideoClipCommand
{
    private readonly List<LiveStream> _live = new();

    /// <summary>
    /// A local capture device, received like a live stream: a number ("0": /dev/video0 on Linux, the
    /// first camera on macOS), a device node ("/dev/video2"), or on Windows the camera's name. A device
    /// this machine does not have (Linux: no such node) is CaptureDeviceNotFound.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = DeviceLengthSet)]
    [Parameter(Mandatory = true, ParameterSetName = DeviceDurationSet)]
    [ValidateNotNullOrEmpty]
    public string Device { get; set; } = "";

    /// <summary>Live streams only: stop after this long (seconds, a TimeSpan, or "30s" / "8h"). Default: until -Until or Ctrl+C.</summary>
    [Parameter]
    [SecondsTransformation]
    [ValidatePositive]
    public TimeSpan? For { get; set; }

    /// <summary>Live streams only: stop at this time of day.</summary>
    [Parameter]
    public DateTimeOffset? Until { get; set; }

    /// <summary>RTSP streams: Tcp (default; no packet loss, passes NAT) or Udp.</summary>
    [Parameter]
    public RtspTransport RtspTransport { get; set; } = RtspTransport.Tcp;

    /// <summary>Live streams: the wait before reopening a dropped stream (seconds or a TimeSpan; default 1 s), doubled per failed try up to 15 s.</summary>
    [Parameter]
    [SecondsTransformation]
    [ValidatePositive(AllowZero = true)]
    public TimeSpan ReconnectDelay { get; set; } = new LiveStreamOptions().ReconnectDelay;

    /// <summary>Live streams: reopen tries in a row without a frame before the stream is given up with LiveSourceUnavailable (default 10: rides out a camera reboot of a minute or two).</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int MaxReconnect { get; set; } = new LiveStreamOptions().MaxReconnect;

    /// <summary>Receives one live stream and writes its clips until it ends; a stream given up is a non-terminating LiveSourceUnavailable.</summary>
    private void ReceiveLive(string url)
    {
        foreach (string name in new[] { nameof(Stride), nameof(Start), nameof(End), nameof(Shard), nameof(ResumeFrom), nameof(RecordingStart), nameof(RecordingStartPattern) })
        {
            if (MyInvocation.BoundParameters.ContainsKey(name))
                WriteWarning($"{url}: -{name} applies to video files, not to a live stream; it is ignored.");
        }
        try
        {
            LiveDevice.EnsureExists(url);
        }
        catch (CaptureDeviceNotFoundException e)
        {
            WriteError(ErrorMapping.Record(e, url));
            return;
        }
        var deadline = For is { } span ? DateTimeOffset.Now + span : DateTimeOffset.MaxValue;
        if (Until is { } until && until < deadline) deadline = until;
        var stream = LiveStreams.Start(new LiveStreamOptions
        {
            Url = url,
            RtspTransport = RtspTransport,
            ReconnectDelay = ReconnectDelay,
            MaxReconnect = MaxReconnect,
        });
        _live.Add(stream);
        WriteVerbose($"{url}: receiving until {(For is null && Until is null ? "Ctrl+C" : deadline.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture))}.");
        var cutter = new LiveClipCutter(url, _options.Length);
        var events = stream.Events;
        bool stopping = false;
        while (true)
        {
            if (StopToken.IsCancellationRequested) throw new PipelineStoppedException();
            if (!stopping && DateTimeOffset.Now >= deadline)
            {
                stopping = true;
                stream.Stop();
            }
            if (!events.TryRead(out var e))
            {
                try
                {
                    events.WaitToReadAsync(StopToken).AsTask().Wait(100, StopToken);
                }
                catch (Exception x) when (x is OperationCanceledException or AggregateException)
                {
                    // Ctrl+C: checked at the top
                }
                continue;
            }
            if (e is LiveFrame f && stream.RecordingStart + f.Time > deadline) continue; // after -For / -Until: not cut
            if (e is LiveGap gap) WriteWarning($"{url}: {gap}.");
            cutter.RecordingStart ??= stream.RecordingStart;
            foreach (var clip in cutter.Add(e)) WriteObject(clip);
            if (e is LiveEnded ended)
            {
                if (ended.Error is { } error) WriteError(ErrorMapping.Record(error, url));
                WriteVerbose($"{url}: {cutter.Count} clips.");
                return;
            }
        }
    }

    /// <summary>The pipeline is done (its later commands have decoded what they took): the streams stop and their frames are freed.</summary>
    protected override void DisposeCore()
    {
        foreach (var stream in _live) LiveStreams.Release(stream);
        _live.Clear();
    }
}
