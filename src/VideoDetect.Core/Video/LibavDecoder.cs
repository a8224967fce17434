using System.Globalization;
using System.Text;
using OpenCvSharp;
using static VideoDetect.Video.LibavApi;

namespace VideoDetect.Video;

/// <summary>
/// Decodes a file's first video stream in this process through the system's libavformat and
/// libavcodec (<see cref="LibavApi"/>) — the libraries Debian's ffmpeg executable runs on, called the
/// way it calls them, so frames and timestamps are the pipe's (<see cref="FfmpegDecodeProcess"/>):
/// decoder threads <c>auto</c> unless told, every other stream discarded, each frame's
/// <c>best_effort_timestamp</c> as its pts (what ffmpeg hands its filters), a seek by
/// <c>avformat_seek_file</c> to the key frame at or before the time with the frames before it dropped
/// (ffmpeg's accurate <c>-ss</c>), corrupt packets passed over (a gap in the pts, as in ffmpeg).
/// <para>Why: the pipe copies every 648 KiB frame through the kernel and ffmpeg's muxer, about 410 µs
/// of CPU a frame on top of the decode (issue 25 point 9). Here the motion gate reads the decoder's
/// own luma plane in place, and only frames asked for in BGR are copied (<see cref="ToBgr"/>).</para>
/// <para>Formats: yuv420p as it is; yuvj420p (full range, common in IP camera recordings) mapped
/// to limited range plane by plane for the BGR conversion (Y 0..255 → 16..235, chroma → 16..240
/// around 128, rounded: what the pipe's <c>-pix_fmt yuv420p</c> does through swscale, to within one
/// level); the luma for the gate is lent as decoded, full range (<see cref="LumaIsFullRange"/>), so
/// mapping a whole 1080p plane every frame (~400 µs) is not paid for frames that are only compared. Any other format (4:2:2, 10-bit
/// …) is refused by <see cref="Open"/> and goes to the pipe, which converts it; a frame that changes
/// format or size mid-stream is an <see cref="InvalidDataException"/>.</para>
/// <para>Ownership: this object owns the format and codec contexts, one packet and one frame (all
/// freed by <see cref="Dispose"/>, also after a failed open), the Mat header <see cref="Luma"/> over
/// the frame's buffer (replaced at every read) and an <see cref="I420Frame"/> used by <see cref="ToBgr"/>.
/// One thread at a time.</para>
/// </summary>
internal sealed unsafe class LibavDecoder : IYuvDecoder
{
    private const int MaxFailuresInARow = 1000; // decode errors with no frame or request for input between them
    private readonly int _width, _height;
    private readonly I420Frame _contiguous;
    private bool _fullRange;     // yuvj420p: planes are mapped to limited range before the BGR conversion
    private IntPtr _format, _codec, _packet, _frame;
    private int _stream;
    private long _tbNum, _tbDen;
    private long _dropBefore = NoPts; // after a seek: frames with an earlier pts are dropped
    private bool _draining, _ended;
    private Mat? _luma;

    private LibavDecoder(int width, int height)
    {
        _width = width;
        _height = height;
        _contiguous = new I420Frame(width, height);
    }

    /// <summary>
    /// Opens <paramref name="path"/>, expecting its first video stream to be yuv420p of
    /// <paramref name="width"/> × <paramref name="height"/>; null (with <paramref name="why"/>) when
    /// it cannot be decoded here, and the caller uses the pipe.
    /// </summary>
    public static LibavDecoder? Open(string path, int width, int height, int threads, out string? why)
    {
        why = LibavApi.Why;
        if (why is not null) return null;
        var decoder = new LibavDecoder(width, height);
        try
        {
            why = decoder.Start(path, threads);
            if (why is null) return decoder;
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
        decoder.Dispose();
        return null;
    }

    private string? Start(string path, int threads)
    {
        IntPtr format = IntPtr.Zero;
        byte[] name = Encoding.UTF8.GetBytes(path + "\0");
        int r;
        fixed (byte* p = name) r = avformat_open_input(&format, p, IntPtr.Zero, null);
        if (r < 0) return $"libavformat cannot open it ({ErrorText(r)})";
        _format = format;
        if ((r = avformat_find_stream_info(_format, IntPtr.Zero)) < 0) return $"libavformat found no stream information ({ErrorText(r)})";
        int count = ReadInt(_format, FormatNbStreams);
        IntPtr streams = ReadPtr(_format, FormatStreams);
        _stream = -1;
        IntPtr par = IntPtr.Zero;
        for (int i = 0; i < count; i++)
        {
            IntPtr st = ReadPtr(streams, i * IntPtr.Size);
            IntPtr cp = ReadPtr(st, StreamCodecpar);
            if (ReadInt(st, StreamIndex) != i) return "the stream table does not read as libavformat 59's"; // an ABI mismatch guard
            if (_stream < 0 && ReadInt(cp, ParCodecType) == MediaTypeVideo)
            {
                _stream = i;
                par = cp;
                _tbNum = ReadInt(st, StreamTimeBase);
                _tbDen = ReadInt(st, StreamTimeBase + 4);
            }
            else
            {
                *(int*)(st + StreamDiscard) = DiscardAll; // as ffmpeg's -an -sn -dn: other streams are not demuxed for us
            }
        }
        if (_stream < 0) return "it has no video stream";
        int pixelFormat = ReadInt(par, ParFormat);
        if (pixelFormat is not (PixelFormatYuv420p or PixelFormatYuvj420p)) return $"its video is not yuv420p or yuvj420p (pixel format {pixelFormat}; the ffmpeg executable converts it)";
        _fullRange = pixelFormat == PixelFormatYuvj420p;
        if (ReadInt(par, ParWidth) != _width || ReadInt(par, ParHeight) != _height)
            return $"libavformat says {ReadInt(par, ParWidth)}x{ReadInt(par, ParHeight)}, ffprobe {_width}x{_height}";
        IntPtr codec = avcodec_find_decoder(ReadInt(par, ParCodecId));
        if (codec == IntPtr.Zero) return "libavcodec has no decoder for it";
        _codec = avcodec_alloc_context3(codec);
        if (_codec == IntPtr.Zero) throw new OutOfMemoryException("avcodec_alloc_context3 failed.");
        if ((r = avcodec_parameters_to_context(_codec, par)) < 0) return $"libavcodec refused its parameters ({ErrorText(r)})";
        IntPtr options = IntPtr.Zero;
        try
        {
            SetOption(&options, "threads", threads > 0 ? threads.ToString(CultureInfo.InvariantCulture) : "auto");
            SetOption(&options, "pkt_timebase", $"{_tbNum}/{_tbDen}");
            if ((r = avcodec_open2(_codec, codec, &options)) < 0) return $"libavcodec cannot open its decoder ({ErrorText(r)})";
        }
        finally
        {
            av_dict_free(&options);
        }
        _packet = av_packet_alloc();
        _frame = av_frame_alloc();
        if (_packet == IntPtr.Zero || _frame == IntPtr.Zero) throw new OutOfMemoryException("av_packet_alloc or av_frame_alloc failed.");
        return null;
    }

    private static void SetOption(IntPtr* options, string key, string value)
    {
        byte[] k = Encoding.ASCII.GetBytes(key + "\0"), v = Encoding.ASCII.GetBytes(value + "\0");
        fixed (byte* kp = k, vp = v)
        {
            if (av_dict_set(options, kp, vp, 0) < 0) throw new OutOfMemoryException("av_dict_set failed.");
        }
    }

    public Mat Luma => _luma ?? throw new InvalidOperationException("Read a frame first.");

    public bool LumaIsFullRange => _fullRange;

    public string? LastWords { get; private set; }

    public int? ProcessId => null;

    public bool ReadFrame(out long pts)
    {
        pts = NoPts;
        ReleaseFrame();
        if (_ended) return false;
        int failures = 0;
        while (true)
        {
            int r = avcodec_receive_frame(_codec, _frame);
            if (r == 0)
            {
                long best = ReadLong(_frame, FrameBestEffortTimestamp);
                pts = best != NoPts ? best : ReadLong(_frame, 136 /* AVFrame.pts */);
                if (_dropBefore != NoPts && pts != NoPts && pts < _dropBefore)
                {
                    av_frame_unref(_frame);
                    continue;
                }
                Lend();
                return true;
            }
            if (r == ErrorEof)
            {
                _ended = true;
                return false;
            }
            if (r != ErrorAgain)
            {
                LastWords = $"a frame failed to decode ({ErrorText(r)})";
                // As ffmpeg: a frame that fails to decode is missing, the decode goes on — unless the
                // decoder only fails (no memory, a broken state): then the output ends here.
                if (++failures >= MaxFailuresInARow)
                {
                    _ended = true;
                    return false;
                }
                continue;
            }
            failures = 0;
            if (_draining)
            {
                _ended = true;
                return false;
            }
            Feed();
        }
    }

    /// <summary>Sends the next packet of the video stream to the decoder, or the drain signal at the input's end.</summary>
    private void Feed()
    {
        while (true)
        {
            int r = av_read_frame(_format, _packet);
            if (r < 0)
            {
                if (r != ErrorEof) LastWords = $"reading stopped ({ErrorText(r)})";
                avcodec_send_packet(_codec, IntPtr.Zero);
                _draining = true;
                return;
            }
            bool ours = ReadInt(_packet, PacketStreamIndex) == _stream;
            if (ours)
            {
                r = avcodec_send_packet(_codec, _packet);
                if (r < 0 && r != ErrorAgain) LastWords = $"a packet was refused ({ErrorText(r)})"; // corrupt data: passed over, as ffmpeg does
            }
            av_packet_unref(_packet);
            if (ours) return;
        }
    }

    /// <summary>Checks the frame in <c>_frame</c> and lends its luma plane.</summary>
    private void Lend()
    {
        int format = ReadInt(_frame, FrameFormat), width = ReadInt(_frame, FrameWidth), height = ReadInt(_frame, FrameHeight);
        if (format != (_fullRange ? PixelFormatYuvj420p : PixelFormatYuv420p) || width != _width || height != _height)
            throw new InvalidDataException($"A frame changed to format {format}, {width}x{height} mid-stream (the stream began {(_fullRange ? "yuvj420p" : "yuv420p")} {_width}x{_height}).");
        _luma = Mat.FromPixelData(_height, _width, MatType.CV_8UC1, ReadPtr(_frame, FrameData), ReadInt(_frame, FrameLinesize));
    }

    private void ReleaseFrame()
    {
        _luma?.Dispose();
        _luma = null;
        if (_frame != IntPtr.Zero) av_frame_unref(_frame);
    }

    public void ToBgr(Mat destination)
    {
        if (_luma is null) throw new InvalidOperationException("Read a frame first.");
        byte[] bytes = _contiguous.Bytes;
        int offset = 0;
        for (int plane = 0; plane < 3; plane++)
        {
            int w = plane == 0 ? _width : _width / 2, h = plane == 0 ? _height : _height / 2;
            IntPtr src = ReadPtr(_frame, FrameData + plane * IntPtr.Size);
            int stride = ReadInt(_frame, FrameLinesize + plane * sizeof(int));
            fixed (byte* dst = &bytes[offset])
            {
                if (stride == w)
                {
                    Buffer.MemoryCopy((void*)src, dst, (long)w * h, (long)w * h);
                }
                else
                {
                    for (int y = 0; y < h; y++) Buffer.MemoryCopy((byte*)src + (long)y * stride, dst + (long)y * w, w, w);
                }
            }
            offset += w * h;
        }
        if (_fullRange)
        {
            using var y = _contiguous.Whole.RowRange(0, _height);
            using var chroma = _contiguous.Whole.RowRange(_height, _height * 3 / 2);
            Cv2.LUT(y, RangeTables.Luma, y);
            Cv2.LUT(chroma, RangeTables.Chroma, chroma);
        }
        _contiguous.ToBgr(destination);
    }

    public bool TrySeek(double seconds)
    {
        ReleaseFrame();
        long start = ReadLong(_format, FormatStartTime);
        long target = (long)Math.Round(seconds * 1_000_000) + (start == NoPts ? 0 : start); // AV_TIME_BASE, as ffmpeg's -ss
        int r = avformat_seek_file(_format, -1, long.MinValue, target, target, 0);
        if (r < 0) LastWords = $"seek failed ({ErrorText(r)}); decoding on from where it stood";
        avcodec_flush_buffers(_codec);
        _draining = _ended = false;
        // ffmpeg's accurate seek drops the frames before the time, in the stream's time base (rounded to nearest).
        _dropBefore = (long)Math.Round((double)target * _tbDen / (_tbNum * 1_000_000.0));
        return true;
    }

    public void Dispose()
    {
        ReleaseFrame();
        IntPtr frame = _frame, packet = _packet, codec = _codec, format = _format;
        if (frame != IntPtr.Zero) av_frame_free(&frame);
        if (packet != IntPtr.Zero) av_packet_free(&packet);
        if (codec != IntPtr.Zero) avcodec_free_context(&codec);
        if (format != IntPtr.Zero) avformat_close_input(&format);
        _frame = _packet = _codec = _format = IntPtr.Zero;
        _contiguous.Dispose();
    }
}

/// <summary>Full range (JPEG) to limited range (BT.601 video) levels, as lookup tables for <c>Cv2.LUT</c>.</summary>
internal static class RangeTables
{
    /// <summary>Y: 0..255 → 16..235.</summary>
    public static Mat Luma => LumaTable.Value;

    /// <summary>Cb, Cr: 0..255 → 16..240, 128 staying 128.</summary>
    public static Mat Chroma => ChromaTable.Value;

    private static readonly Lazy<Mat> LumaTable = new(() => Table(v => 16 + v * 219.0 / 255));
    private static readonly Lazy<Mat> ChromaTable = new(() => Table(v => 128 + (v - 128) * 224.0 / 255));

    private static Mat Table(Func<int, double> map)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)Math.Clamp((int)Math.Round(map(v)), 0, 255);
        var lut = new Mat(1, 256, MatType.CV_8UC1);
        lut.SetArray(table);
        return lut;
    }
}
