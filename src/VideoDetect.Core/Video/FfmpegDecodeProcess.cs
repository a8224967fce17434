using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// One run of Debian's ffmpeg decoding a video file's first video stream to raw yuv420p frames on its
/// stdout, from the start or from an input seek (<c>-ss</c>, key frame at or before it, frames before
/// the time dropped by ffmpeg's accurate seek). Each frame's presentation timestamp comes from the
/// <c>showinfo</c> filter (checksums off) on stderr — one line per frame, in the order the frames are
/// written — read by a thread into a queue; <c>-copyts</c> keeps the stream's own timestamps, and
/// <c>-vsync passthrough</c> writes each decoded frame once (no frame doubled or dropped for a rate).
/// <para>Ownership: this object owns the process and its stderr thread; <see cref="Dispose"/> kills
/// the process, waits for it (no zombie) and joins the thread. <see cref="ReadFrame"/> fills an
/// <see cref="I420Frame"/> the caller owns (and may hand to the next run after a seek). One thread
/// reads it.</para>
/// </summary>
internal sealed class FfmpegDecodeProcess : IYuvDecoder
{
    private static readonly Regex ShowInfo = new(@"\] n:\s*\d+ pts:\s*(-?\d+|NOPTS)", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly Thread _stderr;
    private readonly BlockingCollection<long> _pts = new();
    private readonly Queue<string> _lastWords = new();
    private readonly I420Frame _buffer;
    private int _disposed;

    /// <param name="seekSeconds">The input seek (container time from the file's start, ffmpeg's <c>-ss</c>); null decodes from the start.</param>
    /// <param name="threads">ffmpeg's decoding threads; 0 leaves its default.</param>
    /// <param name="buffer">Where each frame is read to (the caller's, of the stream's size).</param>
    public FfmpegDecodeProcess(string ffmpeg, string path, double? seekSeconds, int threads, I420Frame buffer)
    {
        _buffer = buffer;
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        var args = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-copyts" };
        if (threads > 0) args.AddRange(new[] { "-threads", threads.ToString(CultureInfo.InvariantCulture) });
        if (seekSeconds is { } ss) args.AddRange(new[] { "-ss", ss.ToString("0.######", CultureInfo.InvariantCulture) });
        args.AddRange(new[] { "-i", path, "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", "showinfo=checksum=0",
            "-vsync", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1" });
        foreach (string a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"'{ffmpeg}' did not start.");
        _process.StandardInput.Close();
        _stdout = _process.StandardOutput.BaseStream;
        WidenPipe(_stdout);
        _stderr = new Thread(ReadStderr) { IsBackground = true, Name = "VideoDetect ffmpeg decode stderr" };
        _stderr.Start();
    }

    /// <summary>The process id (tests check that it is gone after <see cref="Dispose"/>).</summary>
    public int? ProcessId => _process.Id;

    /// <summary>ffmpeg's last lines that were not per-frame information (why it stopped), newest last.</summary>
    public string LastWords
    {
        get { lock (_lastWords) return string.Join(" / ", _lastWords); }
    }

    public Mat Luma => _buffer.Luma;

    public void ToBgr(Mat destination) => _buffer.ToBgr(destination);

    /// <summary>A run of ffmpeg cannot be repositioned: the caller starts another with <c>-ss</c>.</summary>
    public bool TrySeek(double seconds) => false;

    /// <summary>
    /// Reads the next frame into the buffer (exactly its length) and returns its presentation
    /// timestamp in the stream's time base (<see cref="long.MinValue"/> when ffmpeg gave none). False
    /// at the end of the output (the file's end, or ffmpeg stopped).
    /// </summary>
    public bool ReadFrame(out long pts)
    {
        pts = long.MinValue;
        byte[] frame = _buffer.Bytes;
        if (_stdout.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false) < frame.Length) return false; // a partial last frame is no frame
        // showinfo writes a frame's line before the frame reaches the muxer; the queue ends when stderr does.
        if (!_pts.TryTake(out pts, Timeout.Infinite)) pts = long.MinValue;
        return true;
    }

    private const int FSetPipeSize = 1031; // F_SETPIPE_SZ (Linux)

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int cmd, int arg);

    /// <summary>
    /// Linux: widens the stdout pipe from 64 KiB to 1 MiB (the default pipe-max-size), so a 768×576
    /// frame (648 KiB) passes in one write instead of ten wake-ups of each side: measured on the
    /// fixed-camera file, 0.3 s less system time in ffmpeg and 0.3 s less in the reader per 6,000
    /// frames. Where it cannot be set, the pipe stays as it is (same frames, a little more CPU).
    /// </summary>
    private static void WidenPipe(Stream stdout)
    {
        if (!OperatingSystem.IsLinux() || stdout is not System.IO.Pipes.PipeStream pipe) return;
        try
        {
            _ = fcntl((int)pipe.SafePipeHandle.DangerousGetHandle(), FSetPipeSize, 1 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // no libc fcntl here: keep the default size
        }
    }

    private void ReadStderr()
    {
        try
        {
            while (_process.StandardError.ReadLine() is { } line)
            {
                var m = ShowInfo.Match(line);
                if (m.Success)
                {
                    _pts.Add(m.Groups[1].Value == "NOPTS" ? long.MinValue : long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                }
                else if (line.Length > 0 && !line.StartsWith(' ') && !line.Contains("Parsed_showinfo", StringComparison.Ordinal))
                {
                    lock (_lastWords)
                    {
                        _lastWords.Enqueue(line.Trim());
                        if (_lastWords.Count > 3) _lastWords.Dequeue();
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the process was ended while its stderr was read
        }
        finally
        {
            _pts.CompleteAdding();
        }
    }

    /// <summary>Kills ffmpeg (if still running), reaps it and joins the stderr thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // already gone
        }
        _process.WaitForExit(10_000);
        _stderr.Join(TimeSpan.FromSeconds(5));
        _process.Dispose();
        _pts.Dispose();
    }
}
