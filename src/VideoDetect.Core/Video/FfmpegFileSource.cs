using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// A <see cref="FrameSourceKind.File"/> <see cref="IFrameSource"/> that decodes through the system's
/// FFmpeg instead of OpenCV's bundled one: in this process through libavcodec
/// (<see cref="LibavDecoder"/>) where the libraries of the bound ABI load and the stream is yuv420p,
/// else through Debian's ffmpeg executable (a child process writing raw yuv420p frames,
/// <see cref="FfmpegDecodeProcess"/>). Either way the same frames by the same <see cref="VideoIndex"/>,
/// at the CPU cost of the system's decoder (OpenCvSharp's build spends ~1.6× as much on the same
/// decode), and with the BGR conversion only for the frames asked for (<see cref="Retrieve"/>, OpenCV's
/// <c>YUV2BGR_I420</c>: BT.601 limited range, as OpenCV's FFmpeg converts). The motion gate reads the
/// luma plane (<see cref="ILumaFrameSource"/>), so a held frame is never converted — in process, it
/// reads the decoder's own plane, not even copied.
/// <para>Exactness: every frame is identified by its presentation timestamp (the decoder's
/// best-effort pts on the stream's clock, made relative to the video stream's start as OpenCV's
/// <c>PosMsec</c> is) in the exact index, as <see cref="VideoReader"/> identifies its frames: a pts gap
/// is frames that did not decode (<see cref="SkippedBeforeCurrent"/>), indices are never shifted. A
/// seek repositions at an input <c>-ss</c> half a period before the target (the in-process decoder
/// seeks itself; a pipe is restarted there) and checks the first frame it gets; when that cannot be
/// identified, or lies past the target, it backs off further (8, 32, 128 … frames, in the end from
/// frame 0) — the same rule as <see cref="VideoReader.Seek"/> (<see cref="ExactSeek"/>).</para>
/// <para>When it is used: chosen by <see cref="FrameSources"/>, for a whole run, only for gated
/// decodes (-SkipStatic) of files with a verified constant-rate index, when ffmpeg and ffprobe are
/// found and ffprobe says the file is decodable this way (<see cref="FfmpegStreamInfo.Decodable"/>).
/// In process or by pipe is decided per file by the machine and the stream's pixel format, never by
/// the range, and both give the same pixels (tested), so the gate decides alike.</para>
/// <para>Ownership: the source owns its decoder (an ffmpeg process is killed and reaped on a restart
/// and on <see cref="Dispose"/>; the in-process one frees its contexts on Dispose) and the pipe's
/// pinned frame buffer (<see cref="I420Frame"/>); <see cref="TryGetLuma"/> lends the decoder's luma
/// header until the next Grab, Seek or Dispose; <see cref="Retrieve"/> writes into a Mat the caller
/// owns. One thread at a time.</para>
/// </summary>
public sealed class FfmpegFileSource : IFrameSource, ILumaFrameSource
{
    private readonly string _ffmpeg;
    private readonly FfmpegStreamInfo _info;
    private readonly int _threads;
    private readonly bool _inProcess;
    private readonly I420Frame _frame; // the pipe's frame buffer (the in-process decoder lends its own planes)
    private IYuvDecoder? _process;
    private bool _pendingGrabbed; // the buffer already holds frame Position (landed on by a seek)
    private bool _ended;          // the process's output ended

    /// <param name="inProcess">Decode in this process (<see cref="LibavDecoder"/>) when the file allows; false: always the ffmpeg executable.</param>
    internal FfmpegFileSource(string ffmpeg, string path, VideoIndex index, FfmpegStreamInfo info, int threads, bool inProcess = true)
    {
        _ffmpeg = ffmpeg;
        Path = path;
        Index = index;
        _info = info;
        _threads = threads;
        _inProcess = inProcess;
        _frame = new I420Frame(info.Width, info.Height);
    }

    /// <summary>True when frames come from libavcodec in this process, false through the ffmpeg executable's pipe; null before the first read.</summary>
    public bool? InProcess => _process is null ? null : _process is LibavDecoder;

    /// <summary>Why the last decoder opened is not the in-process one (null when it is, or none opened yet).</summary>
    public string? WhyNotInProcess { get; private set; }

    public VideoIndex Index { get; }

    public string Path { get; }

    public FrameSourceKind Kind => FrameSourceKind.File;

    public long Position { get; private set; }

    public long Current { get; private set; } = -1;

    public TimeSpan CurrentTime => Index.TimeOf(Current);

    /// <summary>The decoder's presentation time (ms from the video stream's start) of the frame last grabbed.</summary>
    public double CurrentTimestampMs { get; private set; }

    public long SkippedBeforeCurrent { get; private set; }

    public int SeekCount { get; private set; }

    public long FramesGrabbed { get; private set; }

    /// <summary>The running ffmpeg's process id, or null (none, or decoding in process; tests check it is gone after Dispose).</summary>
    internal int? ProcessId => _process?.ProcessId;

    /// <summary>ffmpeg's last words (why its output ended), for warnings and tests.</summary>
    public string? LastWords => _process?.LastWords;

    public bool Grab()
    {
        if (_pendingGrabbed)
        {
            _pendingGrabbed = false;
        }
        else if (Position >= Index.FrameCount || !ReadNext())
        {
            return false;
        }
        long byTime = double.IsNaN(CurrentTimestampMs) ? -1 : Index.FrameAt(CurrentTimestampMs);
        SkippedBeforeCurrent = byTime > Position ? byTime - Position : 0;
        Position += SkippedBeforeCurrent;
        Current = Position++;
        return true;
    }

    public bool Retrieve(Mat destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (Current < 0 || _process is null) throw new InvalidOperationException("Grab a frame before retrieving it.");
        _process.ToBgr(destination);
        return true;
    }

    /// <summary>The luma plane of the frame last grabbed (limited range, 16..235), lent until the next Grab, Seek or Dispose.</summary>
    /// <summary>True when the lent luma is full range (a yuvj420p stream decoded in process; the pipe converts to limited range).</summary>
    public bool LumaIsFullRange => _process?.LumaIsFullRange ?? false;

    public bool TryGetLuma(out Mat luma)
    {
        if (Current < 0 || _process is null) throw new InvalidOperationException("Grab a frame before reading it.");
        luma = _process.Luma;
        return true;
    }

    public void Seek(long frame)
    {
        if ((ulong)frame > (ulong)Index.FrameCount) throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Frame must be in 0..{Index.FrameCount}.");
        // Decoding on needs a running decoder (or the start, where the next read starts one); a restart
        // (Reset) makes the next read start from the file's start.
        ExactSeek.Run(frame, Position, _process is not null || Position == 0, SkipForward, TrySeekNear, Reset);
    }

    private bool TrySeekNear(long from, long target)
    {
        SeekCount++;
        // ffmpeg's -ss counts from the container's start; the index from the video stream's start.
        double seconds = _info.StreamStartSeconds + (Index.TimeOfMs(from) - Index.PeriodMs / 2) / 1000 - _info.ContainerStartSeconds;
        Restart(Math.Max(0, seconds));
        if (!ReadNext()) return false;
        long landed = double.IsNaN(CurrentTimestampMs) ? -1 : Index.FrameAt(CurrentTimestampMs);
        if (!ExactSeek.Trusted(landed, from, target)) return false;
        Position = landed;
        _pendingGrabbed = true;
        SkipForward(target);
        return true;
    }

    private void SkipForward(long frame)
    {
        while (Position < frame)
        {
            if (!Grab()) throw new InvalidDataException($"'{Path}' ended at frame {Position} while seeking to frame {frame}; the index says it has {Index.FrameCount}.");
            if (Current >= frame)
            {
                // Frames that did not decode carried the decode past the target: the frame in hand is next.
                Position = Current;
                _pendingGrabbed = true;
                return;
            }
        }
    }

    /// <summary>Reads the next frame of the running process (starting one from the file's start when none runs).</summary>
    private bool ReadNext()
    {
        if (_process is null)
        {
            if (Position != 0) throw new InvalidOperationException("No decoder runs at a position other than 0.");
            _process = StartDecoder(null);
        }
        if (_ended || !_process!.ReadFrame(out long pts))
        {
            _ended = true;
            return false;
        }
        FramesGrabbed++;
        CurrentTimestampMs = _info.MsOf(pts);
        return true;
    }

    /// <summary>Ends the running ffmpeg (if any): the next read starts one from the file's start.</summary>
    private void Reset()
    {
        _process?.Dispose();
        _process = null;
        _pendingGrabbed = false;
        _ended = false;
        Position = 0;
        Current = -1;
    }

    private void Restart(double seekSeconds)
    {
        if (_process is not null && _process.TrySeek(seekSeconds))
        {
            // the in-process decoder repositions itself: same state as a fresh run from there
            _pendingGrabbed = false;
            _ended = false;
            Position = 0;
            Current = -1;
            return;
        }
        Reset();
        _process = StartDecoder(seekSeconds);
    }

    /// <summary>The in-process decoder when allowed and the file suits it, else a run of the ffmpeg executable.</summary>
    private IYuvDecoder StartDecoder(double? seekSeconds)
    {
        if (_inProcess)
        {
            var decoder = LibavDecoder.Open(Path, _info.Width, _info.Height, _threads, out string? why);
            WhyNotInProcess = why;
            if (decoder is not null)
            {
                if (seekSeconds is { } s) decoder.TrySeek(s);
                return decoder;
            }
        }
        else
        {
            WhyNotInProcess = "not asked for";
        }
        return new FfmpegDecodeProcess(_ffmpeg, Path, seekSeconds, _threads, _frame);
    }

    public void Dispose()
    {
        _process?.Dispose();
        _process = null;
        _frame.Dispose();
    }
}
