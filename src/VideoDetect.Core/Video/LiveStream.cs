using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace VideoDetect.Video;

/// <summary>
/// One live stream being received: FFmpeg (Debian's, the one that also encodes) reads the URL and
/// decodes it to raw BGR frames on its stdout, which a reader thread cuts into frames
/// (<see cref="Frames"/>, bounded) and announces on <see cref="Events"/>.
/// <para>Why FFmpeg and not OpenCV: OpenCvSharp's bundled OpenCV refuses every network URL with
/// "backend is generally available but can't be used to capture by name" — a build limit, not an
/// option: the FFmpeg linked into libOpenCvSharpExtern.so was configured with --disable-network (its
/// configure line is in the library's strings; it holds no tcp/udp protocol, so http and rtsp, which
/// ride on tcp, fail to open too). Debian's ffmpeg reads rtsp/http(s)/udp/..., and a child process
/// gives us the transport, the I/O timeouts, and a clean stop (kill it).</para>
/// <para>Reconnect: when the pipe ends (camera gone, connection reset) or no frame comes for
/// <see cref="LiveStreamOptions.StallTimeout"/>, FFmpeg is stopped and started again after a delay
/// that doubles per failed try; the first frame back is announced after a <see cref="LiveGap"/>, and
/// indices go on counting from the last frame received (nothing is doubled, the gap is not filled).
/// <see cref="LiveStreamOptions.MaxReconnect"/> tries in a row without a frame end the stream with
/// <see cref="LiveSourceUnavailableException"/>.</para>
/// <para>Ownership: the stream owns its FFmpeg process, reader thread and buffer; <see cref="Stop"/>
/// ends the process (frames already received stay for the decoder), <see cref="Dispose"/> also frees
/// the buffer. The producer reads <see cref="Events"/>; one decoder takes <see cref="Frames"/>.</para>
/// </summary>
public sealed class LiveStream : IDisposable
{
    private static readonly Regex OutputSize = new(@"Stream #\d+:\d+.*: Video: rawvideo.*?, (\d{1,5})x(\d{1,5})", RegexOptions.Compiled);
    private readonly LiveStreamOptions _options;
    private readonly Channel<LiveEvent> _events = Channel.CreateUnbounded<LiveEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();
    private Process? _process;
    private long _lastActivity;
    private int _disposed;

    public LiveStream(LiveStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Frames = new LiveFrameBuffer(options.BufferBytes);
        _thread = new Thread(Run) { IsBackground = true, Name = "VideoDetect live " + options.Url };
    }

    public string Url => _options.Url;

    /// <summary>The wall-clock time frame 0 was received: the time of day of the stream's time 0; null before.</summary>
    public DateTimeOffset? RecordingStart { get; private set; }

    /// <summary>The frame rate the stream declares (FFmpeg's "25 fps" for its input), or null before it is open or when it declares none.</summary>
    public Rational? NominalFrameRate
    {
        get => _rate as Rational?;
        private set => _rate = value; // boxed: set by the stderr reader, read by other threads whole
    }

    private volatile object? _rate;

    /// <summary>The declared rate as a number (null: none declared, or not open yet).</summary>
    public double? FramesPerSecond => NominalFrameRate is { Value: > 0 } r ? r.Value : null;

    /// <summary>What happens, in order: frames, gaps, the end.</summary>
    public ChannelReader<LiveEvent> Events => _events.Reader;

    internal LiveFrameBuffer Frames { get; }

    /// <summary>Starts receiving (once).</summary>
    public void Start() => _thread.Start();

    /// <summary>Stops receiving: FFmpeg is ended, <see cref="Events"/> ends with <see cref="LiveEnded"/>; frames received stay in the buffer.</summary>
    public void Stop()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
        Kill(Volatile.Read(ref _process));
    }

    private void Run()
    {
        long next = 0;                  // the index of the next frame
        int reopens = 0;                // reopen tries since the last frame
        DateTimeOffset? lostAt = null;  // receive time of the last frame before the pipe ended
        string? reason = null;
        bool opened = false;
        var ct = _stop.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (opened)
                {
                    if (reopens >= _options.MaxReconnect)
                    {
                        Finish(new LiveSourceUnavailableException(Url, next == 0 ? reopens + 1 : reopens, reason));
                        return;
                    }
                    reopens++;
                    double factor = Math.Pow(2, Math.Min(reopens - 1, 20));
                    var delay = TimeSpan.FromTicks((long)Math.Min(_options.MaxReconnectDelay.Ticks, _options.ReconnectDelay.Ticks * factor));
                    if (ct.WaitHandle.WaitOne(delay)) break;
                }
                opened = true;
                long before = next;
                reason = RunOnce(ref next, lostAt, reopens, ct);
                if (next > before)
                {
                    reopens = 0;
                    lostAt = RecordingStart + _lastFrameTime;
                }
            }
            Finish(null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            Finish(new LiveSourceUnavailableException(Url, 1, e.Message));
        }
    }

    private TimeSpan _lastFrameTime;

    private void Finish(LiveSourceUnavailableException? error)
    {
        Frames.End();
        _events.Writer.TryWrite(new LiveEnded(error));
        _events.Writer.TryComplete();
    }

    /// <summary>
    /// FFmpeg's arguments: quiet but for the stream lines, a 1 s probe (the default 5 s delays the first
    /// frame), the transport and I/O timeouts (µs) of a network URL, or the demuxer of a capture device
    /// (<see cref="LiveDevice"/>: no I/O timeout there, the stall watchdog covers it), first video stream to raw BGR on stdout.
    /// </summary>
    internal static string[] Arguments(LiveStreamOptions options)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-analyzeduration", "1000000", "-probesize", "1000000" };
        string us = ((long)options.StallTimeout.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        var input = options.Input ?? LiveDevice.InputOf(options.Url);
        if (input.Format is { } format)
            args.AddRange(new[] { "-f", format });
        else if (input.Input.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase))
            args.AddRange(new[] { "-rtsp_transport", options.RtspTransport == RtspTransport.Udp ? "udp" : "tcp", "-timeout", us });
        else
            args.AddRange(new[] { "-rw_timeout", us });
        args.AddRange(new[] { "-i", input.Input, "-map", "0:v:0", "-an", "-sn", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" });
        return args.ToArray();
    }

    /// <summary>
    /// Runs FFmpeg once and reads its frames until the pipe ends, the stream stalls or it is stopped;
    /// numbers them from <paramref name="next"/>. Returns FFmpeg's last words (why it ended).
    /// </summary>
    private string? RunOnce(ref long next, DateTimeOffset? lostAt, int reopens, CancellationToken ct)
    {
        var start = new ProcessStartInfo(_options.Ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string a in Arguments(_options)) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{_options.Ffmpeg}' did not start.");
        Volatile.Write(ref _process, process);
        if (ct.IsCancellationRequested) Kill(process);
        var size = new TaskCompletionSource<(int W, int H)>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? last = null;
        var stderr = new Thread(() =>
        {
            bool output = false, rated = false;
            try
            {
                while (process.StandardError.ReadLine() is { } line)
                {
                    if (line.StartsWith("Output #", StringComparison.Ordinal)) output = true;
                    else if (!output && !rated && FfmpegStreamLine.NominalRate(line) is { } rate)
                    {
                        NominalFrameRate = rate; // the input's first video stream: the one mapped
                        rated = true;
                    }
                    else if (output && OutputSize.Match(line) is { Success: true } m)
                        size.TrySetResult((int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
                    else if (!line.StartsWith(' ') && line.Length > 0 && !line.StartsWith("Input #", StringComparison.Ordinal) && !line.StartsWith("Stream mapping", StringComparison.Ordinal)
                             && !line.StartsWith("Press [q]", StringComparison.Ordinal) && !line.StartsWith("frame=", StringComparison.Ordinal))
                        last = line;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // the process was ended and disposed while its last words were read
            }
            size.TrySetResult((0, 0));
        }) { IsBackground = true, Name = "VideoDetect live stderr" };
        stderr.Start();
        Touch();
        using var watchdog = new Timer(_ =>
        {
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastActivity)) > _options.StallTimeout) Kill(process);
        }, null, 250, 250);
        try
        {
            var (w, h) = size.Task.GetAwaiter().GetResult();
            if (w <= 0 || h <= 0) return Ended(process, stderr, last);
            var pipe = process.StandardOutput.BaseStream;
            int length = checked(w * h * 3);
            while (!ct.IsCancellationRequested)
            {
                var pixels = Frames.Rent(length);
                try
                {
                    pipe.ReadExactly(pixels, 0, length);
                }
                catch (EndOfStreamException)
                {
                    Frames.Return(pixels);
                    break;
                }
                Touch();
                if (next == 0)
                {
                    RecordingStart = DateTimeOffset.Now;
                    _clock.Restart();
                }
                var time = _clock.Elapsed;
                if (lostAt is { } lost)
                {
                    var at = RecordingStart!.Value + time;
                    _events.Writer.TryWrite(new LiveGap(next - 1, lost, at - lost, reopens));
                    lostAt = null;
                }
                _lastFrameTime = time;
                Frames.Add(new LiveFrameData(next, time, pixels, w, h));
                _events.Writer.TryWrite(new LiveFrame(next, time));
                next++;
            }
            return Ended(process, stderr, last);
        }
        finally
        {
            Kill(process);
            Volatile.Write(ref _process, null);
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());

    private static string? Ended(Process process, Thread stderr, string? last)
    {
        Kill(process);
        stderr.Join(TimeSpan.FromSeconds(2));
        return last;
    }

    private static void Kill(Process? process)
    {
        try
        {
            if (process is { HasExited: false }) process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // already gone
        }
    }

    /// <summary>Stops receiving, waits for the reader and frees the frames still held.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Stop();
        if (_thread.ThreadState != System.Threading.ThreadState.Unstarted) _thread.Join(TimeSpan.FromSeconds(10));
        Frames.Clear();
        _stop.Dispose();
    }
}
