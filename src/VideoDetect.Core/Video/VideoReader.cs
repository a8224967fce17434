using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// The <see cref="FrameSourceKind.File"/> kind of <see cref="IFrameSource"/>: reads one video file frame
/// by frame, with frame-exact seeking. Frame indices are those of the
/// video's <see cref="VideoIndex"/> (the n-th frame a sequential decode yields is frame n).
/// <para>
/// Seeking: OpenCV's own seek goes to the key frame before the target and decodes forward, using
/// timestamps to know where it is; that is exact for a constant-rate file but not for one with
/// irregular or missing timestamps. So every seek is verified: the frame it lands on is identified by
/// its presentation timestamp in the index, and the reader decodes forward from there. If the landing
/// frame cannot be identified, or lies past the target, the reader backs off further (ultimately to
/// frame 0, where it simply decodes forward).
/// </para>
/// Ownership: the reader owns its <see cref="VideoCapture"/> and disposes it. <see cref="Retrieve"/>
/// writes into a <see cref="Mat"/> the caller owns. Not thread-safe: one reader per thread.
/// <para>Threads: FFmpeg gives each capture min(cores, 16) decoding threads unless told otherwise;
/// <c>decodeThreads</c> sets the count at open time (OpenCV's <c>CAP_PROP_N_THREADS</c>), so that
/// several readers side by side do not oversubscribe the cores.</para>
/// </summary>
public sealed class VideoReader : IFrameSource
{
    private const VideoCaptureProperties NThreads = (VideoCaptureProperties)70; // CAP_PROP_N_THREADS, not in OpenCvSharp's enum
    private readonly string _path;
    private readonly int _decodeThreads;
    private VideoCapture _capture;
    private bool _pendingGrabbed; // the capture already holds frame Position (landed on by a seek)

    /// <param name="decodeThreads">FFmpeg decoding threads for the capture; 0 leaves OpenCV's default.</param>
    public VideoReader(string path, VideoIndex index, int decodeThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decodeThreads);
        _path = path;
        Index = index;
        _decodeThreads = decodeThreads;
        _capture = Open(path, decodeThreads);
    }

    public VideoIndex Index { get; }

    /// <summary>The file's full path.</summary>
    public string Path => _path;

    public FrameSourceKind Kind => FrameSourceKind.File;

    /// <summary>The time of the frame last grabbed in the exact index (not the decoder's timestamp: <see cref="CurrentTimestampMs"/>).</summary>
    public TimeSpan CurrentTime => Index.TimeOf(Current);

    /// <summary>The index of the frame the next <see cref="Grab"/> yields.</summary>
    public long Position { get; private set; }

    /// <summary>Index of the frame last grabbed, or -1.</summary>
    public long Current { get; private set; } = -1;

    /// <summary>The decoder's presentation timestamp (ms) of the frame last grabbed.</summary>
    public double CurrentTimestampMs { get; private set; }

    /// <summary>How many real seeks (not forward decodes) this reader has made.</summary>
    public int SeekCount { get; private set; }

    /// <summary>How many frames this reader has had decoded, also those decoded only to reach a seek target.</summary>
    public long FramesGrabbed { get; private set; }

    /// <summary>Decodes the next frame without converting it. False at the end of the video.</summary>
    public bool Grab()
    {
        if (_pendingGrabbed)
        {
            _pendingGrabbed = false;
        }
        else if (Position >= Index.FrameCount || !OpenCvRuntime.GrabPastCorruptPackets(_capture))
        {
            return false;
        }
        else
        {
            FramesGrabbed++;
        }
        CurrentTimestampMs = _capture.Get(VideoCaptureProperties.PosMsec);
        // A corrupt frame is dropped by the decoder without a word; its timestamp gap tells.
        long byTime = Index.FrameAt(CurrentTimestampMs);
        SkippedBeforeCurrent = byTime > Position ? byTime - Position : 0;
        Position += SkippedBeforeCurrent;
        Current = Position++;
        return true;
    }

    /// <summary>
    /// How many frames the decoder dropped (corrupt data) just before <see cref="Current"/>: frames
    /// <c>Current - SkippedBeforeCurrent</c> .. <c>Current - 1</c> did not decode. Indices are never
    /// shifted: the frame after a gap keeps its own index, found from its presentation timestamp.
    /// </summary>
    public long SkippedBeforeCurrent { get; private set; }

    /// <summary>Converts the frame last grabbed to BGR into <paramref name="destination"/> (owned by the caller).</summary>
    public bool Retrieve(Mat destination)
    {
        if (Current < 0) throw new InvalidOperationException("Grab a frame before retrieving it.");
        return _capture.Retrieve(destination);
    }

    /// <summary>Positions the reader so that the next <see cref="Grab"/> yields frame <paramref name="frame"/>.</summary>
    public void Seek(long frame)
    {
        if ((ulong)frame > (ulong)Index.FrameCount) throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Frame must be in 0..{Index.FrameCount}.");
        ExactSeek.Run(frame, Position, canDecodeOn: true, SkipForward, TrySeekNear, Reopen);
    }

    private bool TrySeekNear(long from, long target)
    {
        SeekCount++;
        _pendingGrabbed = false;
        if (!_capture.Set(VideoCaptureProperties.PosFrames, from) || !_capture.Grab()) return false;
        FramesGrabbed++; // at least the landing frame; the decoder may have decoded from the key frame before it
        long landed = Index.FrameAt(_capture.Get(VideoCaptureProperties.PosMsec));
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
            // A packet that fails to decode fails one grab; the capture goes on after it (as a decode
            // that reports "decoding stopped" and is then continued does), so one retry before giving up.
            if (!Grab() && !Grab()) throw new InvalidDataException($"'{_path}' ended at frame {Position} while seeking to frame {frame}; the index says it has {Index.FrameCount}.");
            if (Current >= frame)
            {
                // Frames that did not decode carried the decode past the target: the frame in hand is
                // the next one to hand out (it is not lost), and the gap was before the target.
                Position = Current;
                _pendingGrabbed = true;
                return;
            }
        }
    }

    private void Reopen()
    {
        if (Position == 0 && Current < 0 && !_pendingGrabbed) return; // fresh
        _capture.Dispose();
        _capture = Open(_path, _decodeThreads);
        _pendingGrabbed = false;
        Position = 0;
        Current = -1;
    }

    private static VideoCapture Open(string path, int decodeThreads)
    {
        VideoCapture capture;
        if (decodeThreads > 0)
        {
            OpenCvRuntime.EnsureInitialized();
            capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG, new[] { (int)NThreads, decodeThreads });
        }
        else
        {
            capture = OpenCvRuntime.OpenCapture(path);
        }
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new VideoException(VideoErrorKind.Unreadable, path, $"'{path}' can no longer be opened as a video.");
        }
        return capture;
    }

    public void Dispose() => _capture.Dispose();
}
