using System.Diagnostics;
using System.Text;
using OpenCvSharp;
using VideoDetect.Video;

namespace VideoDetect.Export;

/// <summary>
/// Where encoded frames go: one video file. <see cref="Write"/> takes frames in order;
/// <see cref="Complete"/> finishes the file and throws <see cref="EncoderFailedException"/> if the
/// encoder failed; <see cref="IDisposable.Dispose"/> without Complete aborts (the file is left for
/// the owner to delete). Ownership: Write copies the pixels out and keeps no reference to the Mat.
/// Not thread-safe: one writer thread.
/// </summary>
public interface IFrameSink : IDisposable
{
    /// <summary>Encodes one 8-bit BGR frame of the sink's size (owned by the caller).</summary>
    void Write(Mat frame);

    /// <summary>Flushes and closes the file; throws when the encoder did not finish cleanly.</summary>
    void Complete();
}

/// <summary>The encoder failed (bad exit code, broken pipe, writer would not open): <see cref="VideoDetect.Errors.ErrorIds.EncoderFailed"/>.</summary>
public sealed class EncoderFailedException(string message, Exception? inner = null) : VideoDetect.Errors.VideoDetectException(VideoDetect.Errors.ErrorIds.EncoderFailed, message, inner)
{
    /// <summary>The file that was being written, when known.</summary>
    public string? Target { get; init; }
}

/// <summary>What a sink writes: size, exact rate, codec, container and file.</summary>
public sealed record SinkOptions(string Path, int Width, int Height, Rational FrameRate, VideoCodec Codec, string Container)
{
    /// <summary>The source's audio to carry (ffmpeg sinks only; null: none).</summary>
    public AudioInput? Audio { get; init; }

    /// <summary>Encoder threads (ffmpeg's <c>-threads</c>; 0: its default, about 1.5 × cores for libx264). OpenCV's writer ignores it.</summary>
    public int Threads { get; init; }

    /// <summary>Opens the sink the choice names: an ffmpeg process, or OpenCV's VideoWriter.</summary>
    public static IFrameSink Open(SinkOptions options, EncoderChoice choice) =>
        choice.FfmpegPath is { } ffmpeg ? new FfmpegFrameSink(ffmpeg, options, choice.Preset) : new OpenCvFrameSink(options);
}

/// <summary>
/// Encodes with an ffmpeg executable: raw bgr24 frames on its stdin at the exact rational rate
/// (<c>-framerate num/den</c>), the muxer named explicitly (<c>-f</c>, so any file name works); the
/// source's audio, when <see cref="SinkOptions.Audio"/> is set, as a second input (<see cref="AudioInput"/>), else none. H.264 is libx264 with yuv420p (yuv444p for an odd width or height, which 4:2:0 cannot hold;
/// at an even size the frames are converted to yuv420p before the pipe)
/// and +faststart so browsers play it while it loads. stderr is drained on a task and its tail goes
/// into the error. Ownership: the sink owns the process; Dispose without Complete kills it.
/// </summary>
public sealed class FfmpegFrameSink : IFrameSink
{
    private const int StderrTail = 4000;
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Task _stderr;
    private readonly StringBuilder _log = new();
    private readonly int _frameBytes;
    private readonly int _width, _height;
    private readonly Mat? _i420; // H.264 only: the frame converted for the encoder; owned by the sink
    private readonly string _command;
    private bool _completed;

    public FfmpegFrameSink(string ffmpeg, SinkOptions o, string preset = EncoderChoice.DefaultPreset)
    {
        if (!EncoderChoice.Presets.Contains(preset)) throw new ArgumentException($"Unknown libx264 preset '{preset}'. Presets: {string.Join(", ", EncoderChoice.Presets)}.", nameof(preset));
        if (!o.FrameRate.IsPositive) throw new ArgumentException($"Frame rate {o.FrameRate} must be positive.", nameof(o));
        (_width, _height) = (o.Width, o.Height);
        // H.264 at an even size goes to ffmpeg as yuv420p, converted here by OpenCV (BT.601, limited
        // range, as ffmpeg's own bgr24 conversion): measured on the 2-core VM, ffmpeg took 4.7 ms of CPU
        // a frame fed bgr24 and 3.0 ms fed yuv420p (ultrafast, 768x576), and the pipe carries half the bytes.
        bool yuv = o.Codec == VideoCodec.H264 && o.Width % 2 == 0 && o.Height % 2 == 0;
        _frameBytes = yuv ? checked(o.Width * o.Height * 3 / 2) : checked(o.Width * o.Height * 3);
        if (yuv) _i420 = new Mat();
        var args = new List<string>
        {
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", yuv ? "yuv420p" : "bgr24", "-video_size", $"{o.Width}x{o.Height}", "-framerate", o.FrameRate.ToString(), "-i", "pipe:0",
        };
        if (o.Audio is { } audio)
        {
            args.AddRange(audio.InputArguments());
            args.AddRange(audio.OutputArguments());
        }
        else
        {
            args.Add("-an");
        }
        bool mp4Family = o.Container is "mp4" or "mov";
        args.AddRange(o.Codec switch
        {
            VideoCodec.H264 => new[] { "-c:v", "libx264", "-preset", preset, "-crf", "23", "-pix_fmt", o.Width % 2 == 0 && o.Height % 2 == 0 ? "yuv420p" : "yuv444p" },
            VideoCodec.Mp4v => mp4Family ? new[] { "-c:v", "mpeg4", "-q:v", "3", "-tag:v", "mp4v" } : new[] { "-c:v", "mpeg4", "-q:v", "3" },
            _ => new[] { "-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p" },
        });
        if (o.Threads > 0) args.AddRange(new[] { "-threads", o.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (mp4Family) args.AddRange(new[] { "-movflags", "+faststart" });
        args.AddRange(new[] { "-f", o.Container, o.Path });
        _command = $"{ffmpeg} {string.Join(' ', args)}";

        var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            _process = Process.Start(psi) ?? throw new EncoderFailedException($"Could not start {ffmpeg}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EncoderFailedException($"Could not start {ffmpeg}: {e.Message}", e);
        }
        _stdin = _process.StandardInput.BaseStream;
        _process.StandardOutput.Close();
        _stderr = Task.Run(DrainStderr);
    }

    private void DrainStderr()
    {
        var reader = _process.StandardError;
        while (reader.ReadLine() is { } line)
        {
            lock (_log)
            {
                _log.AppendLine(line);
                if (_log.Length > 2 * StderrTail) _log.Remove(0, _log.Length - StderrTail);
            }
        }
    }

    private string Log()
    {
        lock (_log) return _log.ToString().Trim();
    }

    public unsafe void Write(Mat frame)
    {
        if (frame.Type() != MatType.CV_8UC3 || frame.Cols != _width || frame.Rows != _height)
            throw new ArgumentException($"Expected an 8-bit BGR frame of {_width}x{_height}, got {frame.Cols}x{frame.Rows} {frame.Type()}.", nameof(frame));
        if (_i420 is not null)
        {
            Cv2.CvtColor(frame, _i420, ColorConversionCodes.BGR2YUV_I420);
            frame = _i420;
        }
        try
        {
            if (frame.IsContinuous())
            {
                _stdin.Write(new ReadOnlySpan<byte>((void*)frame.Data, _frameBytes));
            }
            else
            {
                int row = frame.Cols * frame.ElemSize(), rows = frame.Rows;
                for (int y = 0; y < rows; y++) _stdin.Write(new ReadOnlySpan<byte>((void*)frame.Ptr(y), row));
            }
        }
        catch (IOException e)
        {
            // ffmpeg closed its input: it failed; its exit code and message say why.
            throw Failure("stopped reading frames", e);
        }
    }

    public void Complete()
    {
        try
        {
            _stdin.Close();
        }
        catch (IOException e)
        {
            throw Failure("stopped reading frames", e);
        }
        _process.WaitForExit();
        _stderr.Wait();
        _completed = true;
        if (_process.ExitCode != 0) throw Failure($"exited with code {_process.ExitCode}", null);
    }

    private EncoderFailedException Failure(string what, Exception? inner)
    {
        if (!_process.WaitForExit(10_000)) _process.Kill(true);
        _stderr.Wait(5_000);
        string log = Log();
        return new EncoderFailedException($"ffmpeg {what}{(log.Length > 0 ? ": " + log : ".")} (command: {_command})", inner);
    }

    public void Dispose()
    {
        if (!_completed)
        {
            try { if (!_process.HasExited) _process.Kill(true); } catch (InvalidOperationException) { }
            try { _stdin.Dispose(); } catch (IOException) { }
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        _i420?.Dispose();
    }
}

/// <summary>
/// Encodes with OpenCV's VideoWriter (its bundled FFmpeg: mp4v, MJPG; no H.264). The container comes
/// from the file's extension. OpenCV takes the rate as a double and recovers a fraction with a
/// denominator that is a power of ten (23.976 stays 2997/125; 30000/1001 becomes 2997/100).
/// Ownership: the sink owns the writer.
/// </summary>
public sealed class OpenCvFrameSink : IFrameSink
{
    private readonly VideoWriter _writer;
    private readonly SinkOptions _options;

    public OpenCvFrameSink(SinkOptions o)
    {
        _options = o;
        if (o.Codec == VideoCodec.H264) throw new EncoderFailedException("OpenCV's bundled FFmpeg has no H.264 encoder.");
        OpenCvRuntime.EnsureInitialized();
        string fourcc = o.Codec == VideoCodec.Mjpg ? "MJPG" : "mp4v";
        _writer = new VideoWriter(o.Path, VideoWriter.FourCC(fourcc), o.FrameRate.Value, new Size(o.Width, o.Height));
        if (!_writer.IsOpened())
        {
            _writer.Dispose();
            throw new EncoderFailedException($"OpenCV could not open a {fourcc} writer for '{o.Path}' ({o.Width}x{o.Height} at {o.FrameRate} fps).");
        }
    }

    public void Write(Mat frame)
    {
        if (frame.Cols != _options.Width || frame.Rows != _options.Height || frame.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"Expected an 8-bit BGR {_options.Width}x{_options.Height} frame, got {frame.Cols}x{frame.Rows} {frame.Type()}.", nameof(frame));
        _writer.Write(frame);
    }

    public void Complete()
    {
        _writer.Release();
        var file = new FileInfo(_options.Path);
        if (!file.Exists || file.Length == 0) throw new EncoderFailedException($"OpenCV's writer produced no file at '{_options.Path}'.");
    }

    public void Dispose() => _writer.Dispose();
}
