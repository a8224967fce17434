using System.Diagnostics;
using System.Globalization;

namespace VideoDetect.Export;

/// <summary>
/// Where an annotated export's worker spends its time (bench/README.md, export overhead): the second
/// decode, the drawing, the hand-over to the sink (conversion to yuv420p and the pipe write, which
/// waits when the encoder is behind) and the wait for the pipeline's detections. Counted always (a
/// timestamp per step: tens of nanoseconds a frame); written only when <c>VIDEODETECT_EXPORT_PROFILE</c>
/// names a file, one invariant line per finished source appended to it. One worker at a time.
/// </summary>
internal sealed class ExportTimings
{
    /// <summary>The environment variable naming the file the lines go to.</summary>
    public const string Variable = "VIDEODETECT_EXPORT_PROFILE";

    private long _decode, _draw, _write, _wait, _mark;

    /// <summary>Frames written.</summary>
    public long Frames { get; set; }

    /// <summary>Frames drawn from the ones the batcher kept (not decoded again).</summary>
    public long Kept { get; set; }

    /// <summary>Starts the clock for the next step.</summary>
    public void Mark() => _mark = Stopwatch.GetTimestamp();

    public void Decoded() => _decode += Lap();
    public void Drawn() => _draw += Lap();
    public void Written() => _write += Lap();
    public void Waited() => _wait += Lap();

    private long Lap()
    {
        long now = Stopwatch.GetTimestamp(), lap = now - _mark;
        _mark = now;
        return lap;
    }

    /// <summary>Appends the totals for <paramref name="source"/> to the profile file, when one is named; never throws.</summary>
    public void Report(string source)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } file) return;
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{{\"source\":\"{Path.GetFileName(source)}\",\"frames\":{Frames},\"kept\":{Kept},\"decodeMs\":{Ms(_decode):F1},\"drawMs\":{Ms(_draw):F1},\"writeMs\":{Ms(_write):F1},\"waitMs\":{Ms(_wait):F1}}}");
        try { File.AppendAllLines(file, new[] { line }); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
