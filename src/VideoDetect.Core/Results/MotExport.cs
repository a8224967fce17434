using System.Globalization;
using System.Text;
using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>What <see cref="MotOutput.Commit"/> wrote for one source.</summary>
public sealed record MotResult(FileInfo File, string SourcePath, long Frames, long Lines) : ISourceResult
{
    public override string ToString() => $"Wrote {File.FullName}: {Lines} boxes over {Frames} frames of {Path.GetFileName(SourcePath)} (MOTChallenge).";
}

/// <summary>
/// Export-FrameDetection -Format Mot (<see cref="ISourceSink"/>): one MOTChallenge text file per
/// source, the format TrackEval and py-motmetrics score, <c>&lt;source name&gt;.mot.txt</c> with
/// -OutputDirectory. An export only: written to a hidden file renamed onto the target when the
/// source's frames end (nothing is left when it fails or is stopped), never resumed, and not read
/// back by Import-FrameDetection (the format has no labels, times or source; keep a JSONL or CSV
/// store for that). Lines: see <see cref="MotFormat"/>.
/// </summary>
public sealed class MotExport(bool force) : ISourceSink
{
    /// <summary>The MOT file, as the store's outputs record names it.</summary>
    public string OutputKind => "Mot";

    /// <summary>Claims the target; throws <see cref="OutputPathConflictException"/> or <see cref="OutputExistsException"/>.</summary>
    public string Claim(OutputClaims claims, string sourcePath) => claims.Claim(sourcePath, ResultFiles.MotSuffix);

    /// <summary>Creates the output folder and the hidden file; <see cref="InvalidOutputPathException"/> when that fails.</summary>
    public ISourceOutput Open(SinkTarget target, FrameDetections first)
    {
        target.Location.EnsureDirectory();
        var pending = PendingFile.Hidden(target.Path);
        try
        {
            var writer = new StreamWriter(pending.TempPath, false, new UTF8Encoding(false)) { NewLine = "\n" };
            return new MotOutput(target.SourcePath, pending, writer, force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            pending.Dispose();
            throw new InvalidOutputPathException(target.Path, $"'{target.Path}' cannot be written: {e.Message}", e);
        }
    }
}

/// <summary>
/// The MOTChallenge lines of a frame: <c>frame,id,x,y,w,h,conf,-1,-1,-1</c>, one per box. frame is
/// the source frame index + 1 (MOT counts from 1; with a frame stride the numbers keep the source's
/// gaps, as ground truth's do); x, y, w, h are the box in source pixels (left, top, width, height),
/// rounded to 2 decimals; conf to 4 decimals; invariant culture, no trailing zeros.
/// <para>
/// Which boxes: a detection with a track id is written with it. In a frame a tracker went through
/// (<see cref="TrackedExtra"/> in its Extras, set by Add-DetectionTrack) a detection without one is
/// left out: it is on no confirmed track, and a tracker-results file must not repeat an id within a
/// frame (TrackEval refuses it). In a frame that was never tracked every detection is written with
/// id -1, MOTChallenge's form for detections (det.txt), so an untracked run gives a detection file.
/// </para>
/// </summary>
public static class MotFormat
{
    /// <summary>The Extras key of a tracked frame (Tracking's TrackAssigner.TrackedExtra; Results may not use Tracking, a test keeps the two equal).</summary>
    public const string TrackedExtra = "Tracker";

    /// <summary>Appends the lines of <paramref name="frame"/> to <paramref name="text"/>; returns how many.</summary>
    public static int Append(StringBuilder text, FrameDetections frame)
    {
        bool tracked = frame.Extras?.ContainsKey(TrackedExtra) == true;
        string number = (frame.FrameIndex + 1).ToString(CultureInfo.InvariantCulture);
        int lines = 0;
        foreach (var d in frame.Detections)
        {
            if (d.TrackId is null && tracked) continue;
            text.Append(number).Append(',')
                .Append((d.TrackId ?? -1).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Box(d.X)).Append(',').Append(Box(d.Y)).Append(',').Append(Box(d.Width)).Append(',').Append(Box(d.Height)).Append(',')
                .Append(d.Confidence.ToString("0.####", CultureInfo.InvariantCulture))
                .Append(",-1,-1,-1\n");
            lines++;
        }
        return lines;
    }

    private static string Box(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero).ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>
/// One source's MOT file while it is written: lines are appended as frames come (in increasing frame
/// order, else <see cref="FrameOutOfOrderException"/>), the hidden file is renamed onto the target on
/// <see cref="Commit"/>; disposed before that, the hidden file is deleted.
/// </summary>
public sealed class MotOutput : ISourceOutput
{
    private readonly PendingFile _pending;
    private readonly bool _overwrite;
    private readonly StringBuilder _line = new();
    private StreamWriter? _writer;
    private long _lastFrame = -1, _frames, _lines;

    internal MotOutput(string sourcePath, PendingFile pending, StreamWriter writer, bool overwrite)
    {
        SourcePath = sourcePath;
        _pending = pending;
        _writer = writer;
        _overwrite = overwrite;
    }

    public string SourcePath { get; }

    public bool Completed => true;

    public bool Add(FrameDetections frame)
    {
        var writer = _writer ?? throw new InvalidOperationException("The output was sealed.");
        if (frame.FrameIndex <= _lastFrame)
            throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex, $"Frame {frame.FrameIndex} of '{frame.Path}' arrived after frame {_lastFrame}: frames must arrive in increasing order, each once.");
        _lastFrame = frame.FrameIndex;
        _line.Clear();
        _lines += MotFormat.Append(_line, frame);
        _frames++;
        try
        {
            writer.Write(_line);
        }
        catch (IOException e)
        {
            throw new ResultWriteFailedException(_pending.TargetPath, $"Writing '{_pending.TargetPath}' failed; nothing was left behind: {e.Message}", e);
        }
        return true;
    }

    public bool Seal()
    {
        if (_writer is null) return false;
        try
        {
            _writer.Dispose();
        }
        catch (IOException e)
        {
            throw new ResultWriteFailedException(_pending.TargetPath, $"Writing '{_pending.TargetPath}' failed; nothing was left behind: {e.Message}", e);
        }
        finally
        {
            _writer = null;
        }
        return true;
    }

    public ISourceResult Commit()
    {
        try
        {
            return new MotResult(_pending.Commit(_overwrite), SourcePath, _frames, _lines);
        }
        catch (IOException e) when (File.Exists(_pending.TargetPath) && !_overwrite)
        {
            throw new OutputExistsException(_pending.TargetPath, $"'{_pending.TargetPath}' appeared while it was being written; use -Force to replace it.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultWriteFailedException(_pending.TargetPath, $"Committing '{_pending.TargetPath}' failed; nothing was left behind: {e.Message}", e);
        }
        finally
        {
            _pending.Dispose();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _pending.Dispose();
    }
}
