using System.Runtime.InteropServices;

namespace VideoDetect.Video;

/// <summary>
/// The few entry points of the system's FFmpeg libraries (libavformat, libavcodec, libavutil — the
/// ones Debian's ffmpeg executable runs on) that <see cref="LibavDecoder"/> needs to decode a file's
/// video in this process, and the offsets of the few struct fields it reads.
/// <para>Why by hand: no binding package (FFmpeg.AutoGen) is served here, and the decoder needs a dozen
/// calls. Struct offsets are part of FFmpeg's ABI only within one major version of each library, so
/// this binds exactly one ABI — libavformat 59, libavcodec 59, libavutil 57 (FFmpeg 5.x, Debian 12) —
/// checked through each library's own <c>*_version()</c> after loading. Any other FFmpeg (or none, or
/// Windows) makes <see cref="Available"/> false, and gated decodes use the ffmpeg executable
/// (<see cref="FfmpegDecodeProcess"/>) instead: the same decoder code, through a pipe.</para>
/// <para>Logging: libav's own log goes to the process's stderr by default; it is set to quiet once
/// when loaded (this process uses these libraries for nothing else: OpenCV carries its own FFmpeg),
/// so a corrupt packet does not print into a PowerShell session — the decoder reports what it lost
/// through the frame index (<see cref="FfmpegFileSource.SkippedBeforeCurrent"/>), as the pipe does.</para>
/// </summary>
internal static unsafe class LibavApi
{
    public const int FormatMajor = 59, CodecMajor = 59, UtilMajor = 57;

    /// <summary>Set to <c>off</c> to keep gated decodes on the ffmpeg executable (a pipe) even where the libraries load.</summary>
    public const string Variable = "VIDEODETECT_LIBAV";

    // AVFormatContext
    public const int FormatNbStreams = 44, FormatStreams = 48, FormatStartTime = 64;
    // AVStream
    public const int StreamIndex = 0, StreamTimeBase = 16, StreamDiscard = 52, StreamCodecpar = 208;
    // AVCodecParameters
    public const int ParCodecType = 0, ParCodecId = 4, ParFormat = 28, ParWidth = 56, ParHeight = 60;
    // AVFrame
    public const int FrameData = 0, FrameLinesize = 64, FrameWidth = 104, FrameHeight = 108, FrameFormat = 116, FrameBestEffortTimestamp = 344;
    // AVPacket
    public const int PacketStreamIndex = 36;

    public const int MediaTypeVideo = 0, DiscardAll = 48, PixelFormatYuv420p = 0, PixelFormatYuvj420p = 12;
    public const int ErrorAgain = -11, ErrorEof = -541478725; // AVERROR(EAGAIN), AVERROR_EOF
    public const long NoPts = long.MinValue;                   // AV_NOPTS_VALUE
    private const int LogQuiet = -8;                           // AV_LOG_QUIET

    public static delegate* unmanaged[Cdecl]<IntPtr*, byte*, IntPtr, IntPtr*, int> avformat_open_input;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> avformat_find_stream_info;
    public static delegate* unmanaged[Cdecl]<IntPtr*, void> avformat_close_input;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> av_read_frame;
    public static delegate* unmanaged[Cdecl]<IntPtr, int, long, long, long, int, int> avformat_seek_file;
    public static delegate* unmanaged[Cdecl]<int, IntPtr> avcodec_find_decoder;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> avcodec_alloc_context3;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> avcodec_parameters_to_context;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, int> avcodec_open2;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> avcodec_send_packet;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> avcodec_receive_frame;
    public static delegate* unmanaged[Cdecl]<IntPtr, void> avcodec_flush_buffers;
    public static delegate* unmanaged[Cdecl]<IntPtr*, void> avcodec_free_context;
    public static delegate* unmanaged[Cdecl]<IntPtr> av_packet_alloc;
    public static delegate* unmanaged[Cdecl]<IntPtr*, void> av_packet_free;
    public static delegate* unmanaged[Cdecl]<IntPtr, void> av_packet_unref;
    public static delegate* unmanaged[Cdecl]<IntPtr> av_frame_alloc;
    public static delegate* unmanaged[Cdecl]<IntPtr*, void> av_frame_free;
    public static delegate* unmanaged[Cdecl]<IntPtr, void> av_frame_unref;
    public static delegate* unmanaged[Cdecl]<IntPtr*, byte*, byte*, int, int> av_dict_set;
    public static delegate* unmanaged[Cdecl]<IntPtr*, void> av_dict_free;

    private static readonly Lazy<string?> Unavailable = new(Load);

    /// <summary>True when the libraries of the one ABI bound here loaded (and <see cref="Variable"/> is not <c>off</c>).</summary>
    public static bool Available => Why is null;

    /// <summary>Why the in-process decoder is not used here (null when it is), for diagnostics and tests.</summary>
    public static string? Why =>
        string.Equals(Environment.GetEnvironmentVariable(Variable), "off", StringComparison.OrdinalIgnoreCase)
            ? $"{Variable}=off" : Unavailable.Value;

    private static string? Load()
    {
        if (!OperatingSystem.IsLinux()) return "the in-process decoder binds Linux's FFmpeg libraries only";
        if (!TryLoad($"libavutil.so.{UtilMajor}", out IntPtr util) || !TryLoad($"libavcodec.so.{CodecMajor}", out IntPtr codec)
            || !TryLoad($"libavformat.so.{FormatMajor}", out IntPtr format))
            return $"libavformat.so.{FormatMajor}, libavcodec.so.{CodecMajor} or libavutil.so.{UtilMajor} is not installed";
        try
        {
            // The runtime version, not the file name, decides: a library built for another ABI is refused.
            uint fv = ((delegate* unmanaged[Cdecl]<uint>)Export(format, "avformat_version"))() >> 16;
            uint cv = ((delegate* unmanaged[Cdecl]<uint>)Export(codec, "avcodec_version"))() >> 16;
            uint uv = ((delegate* unmanaged[Cdecl]<uint>)Export(util, "avutil_version"))() >> 16;
            if (fv != FormatMajor || cv != CodecMajor || uv != UtilMajor)
                return $"the FFmpeg libraries are versions {fv}/{cv}/{uv}, not the {FormatMajor}/{CodecMajor}/{UtilMajor} bound here";
            avformat_open_input = (delegate* unmanaged[Cdecl]<IntPtr*, byte*, IntPtr, IntPtr*, int>)Export(format, nameof(avformat_open_input));
            avformat_find_stream_info = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)Export(format, nameof(avformat_find_stream_info));
            avformat_close_input = (delegate* unmanaged[Cdecl]<IntPtr*, void>)Export(format, nameof(avformat_close_input));
            av_read_frame = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)Export(format, nameof(av_read_frame));
            avformat_seek_file = (delegate* unmanaged[Cdecl]<IntPtr, int, long, long, long, int, int>)Export(format, nameof(avformat_seek_file));
            avcodec_find_decoder = (delegate* unmanaged[Cdecl]<int, IntPtr>)Export(codec, nameof(avcodec_find_decoder));
            avcodec_alloc_context3 = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Export(codec, nameof(avcodec_alloc_context3));
            avcodec_parameters_to_context = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)Export(codec, nameof(avcodec_parameters_to_context));
            avcodec_open2 = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, int>)Export(codec, nameof(avcodec_open2));
            avcodec_send_packet = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)Export(codec, nameof(avcodec_send_packet));
            avcodec_receive_frame = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)Export(codec, nameof(avcodec_receive_frame));
            avcodec_flush_buffers = (delegate* unmanaged[Cdecl]<IntPtr, void>)Export(codec, nameof(avcodec_flush_buffers));
            avcodec_free_context = (delegate* unmanaged[Cdecl]<IntPtr*, void>)Export(codec, nameof(avcodec_free_context));
            av_packet_alloc = (delegate* unmanaged[Cdecl]<IntPtr>)Export(codec, nameof(av_packet_alloc));
            av_packet_free = (delegate* unmanaged[Cdecl]<IntPtr*, void>)Export(codec, nameof(av_packet_free));
            av_packet_unref = (delegate* unmanaged[Cdecl]<IntPtr, void>)Export(codec, nameof(av_packet_unref));
            av_frame_alloc = (delegate* unmanaged[Cdecl]<IntPtr>)Export(util, nameof(av_frame_alloc));
            av_frame_free = (delegate* unmanaged[Cdecl]<IntPtr*, void>)Export(util, nameof(av_frame_free));
            av_frame_unref = (delegate* unmanaged[Cdecl]<IntPtr, void>)Export(util, nameof(av_frame_unref));
            av_dict_set = (delegate* unmanaged[Cdecl]<IntPtr*, byte*, byte*, int, int>)Export(util, nameof(av_dict_set));
            av_dict_free = (delegate* unmanaged[Cdecl]<IntPtr*, void>)Export(util, nameof(av_dict_free));
            ((delegate* unmanaged[Cdecl]<int, void>)Export(util, "av_log_set_level"))(LogQuiet);
            return null;
        }
        catch (EntryPointNotFoundException e)
        {
            return $"the FFmpeg libraries lack an entry point: {e.Message}";
        }
    }

    private static bool TryLoad(string name, out IntPtr handle) => NativeLibrary.TryLoad(name, out handle);

    private static IntPtr Export(IntPtr library, string name) => NativeLibrary.GetExport(library, name);

    public static IntPtr ReadPtr(IntPtr p, int offset) => Marshal.ReadIntPtr(p, offset);

    public static int ReadInt(IntPtr p, int offset) => Marshal.ReadInt32(p, offset);

    public static long ReadLong(IntPtr p, int offset) => Marshal.ReadInt64(p, offset);

    /// <summary>An FFmpeg error code as text (<c>AVERROR</c> is a negated errno or a four-letter tag).</summary>
    public static string ErrorText(int code)
    {
        if (code > -4096) return $"errno {-code}";
        uint tag = (uint)-code;
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++) c[i] = (char)((tag >> (8 * i)) & 0xFF);
        return $"'{new string(c).Trim()}' ({code})";
    }
}
