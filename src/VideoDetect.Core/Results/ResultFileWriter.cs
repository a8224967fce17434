using System.Buffers;
using System.Text;
using CsvHelper;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// Writes the result file of one source, crash-safe at clip granularity: frames go to
/// <c>&lt;target&gt;.partial</c> a whole clip at a time (<see cref="AppendClip"/>: written, flushed to
/// disk, then the checkpoint), and <see cref="Commit"/> renames the partial file onto the target.
/// A kill at any moment leaves the finished files intact, the partial file with whole clips (plus at
/// most a cut-off clip after its checkpoint, which a resume cuts away), and nothing that looks finished.
/// <para>
/// Opening an existing partial file resumes it when its header names the same source identity, model
/// and parameters: the file is cut to its checkpoint and <see cref="StoredLastFrame"/> says what it
/// holds. Another source identity (the video changed), an unreadable header or checkpoint start it
/// over; another model or parameters is a <see cref="ResumeMismatchException"/> (nothing touched)
/// unless <c>force</c>, which starts it over.
/// </para>
/// Ownership: the writer holds the partial file open, locked against other writers (a second
/// writer gets <see cref="OutputInUseException"/>), until Commit or Dispose; Dispose keeps the partial file.
/// </summary>
public sealed class ResultFileWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _checkpointPath;
    private bool _done;

    private ResultFileWriter(string target, ResultFormat format, FileStream stream)
    {
        TargetPath = target;
        PartialPath = PendingFile.PartialPathOf(target);
        _checkpointPath = ResultFiles.CheckpointOf(PartialPath);
        Format = format;
        _stream = stream;
    }

    public string TargetPath { get; }
    public string PartialPath { get; }
    public ResultFormat Format { get; }

    /// <summary>The header the file carries (the first run's, when resumed).</summary>
    public ResultHeader Header { get; private set; } = new();

    /// <summary>True when an existing partial file was resumed.</summary>
    public bool Resumed { get; private set; }

    /// <summary>Why an existing partial file was started over (null when none was, or it was resumed).</summary>
    public string? StartedOverBecause { get; private set; }

    /// <summary>The last frame the file held when opened (-1: none): frames up to it are already stored.</summary>
    public long StoredLastFrame { get; private set; } = -1;

    /// <summary>The last clip the file held when opened (-1: none).</summary>
    public int StoredLastClip { get; private set; } = -1;

    /// <summary>The last frame appended (or stored).</summary>
    public long LastFrame { get; private set; } = -1;

    public int ClipsAppended { get; private set; }

    /// <summary>Opens (creating, resuming or starting over) the partial file of <paramref name="target"/> for frames described by <paramref name="header"/>.</summary>
    public static ResultFileWriter Open(string target, ResultFormat format, ResultHeader header, bool force)
    {
        string partial = PendingFile.PartialPathOf(target);
        FileStream stream;
        try
        {
            // Other writers are refused: on Unix FileShare.None takes flock(LOCK_EX) (any other share mode a shared lock);
            // Windows enforces share modes itself, and Delete lets the commit rename the file while it is open.
            stream = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None, 1, FileOptions.None);
        }
        catch (IOException e) when (e is not DirectoryNotFoundException && File.Exists(partial))
        {
            throw new OutputInUseException(target, e);
        }
        var writer = new ResultFileWriter(target, format, stream);
        try
        {
            writer.Start(header, force);
            return writer;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private void Start(ResultHeader now, bool force)
    {
        if (_stream.Length > 0)
        {
            var checkpoint = ResultCheckpoint.Load(_checkpointPath);
            ResultHeader? stored = null;
            try { stored = ReadHeader(); } catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException) { }
            string? why = stored is null ? "its header is unreadable"
                : checkpoint is null ? "its checkpoint is missing"
                : checkpoint.Length > _stream.Length ? "it is shorter than its checkpoint says"
                : stored.Source.Identity.DifferencesFrom(now.Source.Identity).FirstOrDefault() is { } changed ? $"the source changed ({changed})"
                : Format == ResultFormat.Csv && !HasCurrentColumns() ? "its CSV columns are an earlier version's"
                : null;
            if (why is null)
            {
                var differences = stored!.RunDifferences(now);
                if (differences.Count > 0 && !force) throw new ResumeMismatchException(TargetPath, differences);
                if (differences.Count > 0) why = "-Force: " + string.Join("; ", differences);
            }
            if (why is null)
            {
                _stream.SetLength(checkpoint!.Length); // cut a clip that was being written when the last run died
                _stream.Seek(0, SeekOrigin.End);
                Header = stored!;
                Resumed = true;
                StoredLastFrame = LastFrame = checkpoint.LastFrame;
                StoredLastClip = checkpoint.ClipIndex;
                return;
            }
            StartedOverBecause = why;
        }
        _stream.SetLength(0);
        Header = now;
        if (Format == ResultFormat.JsonLines)
        {
            _stream.Write(Encoding.UTF8.GetBytes(now.ToJson() + "\n"));
        }
        else
        {
            string sidecar = ResultFiles.SidecarOf(PartialPath);
            File.WriteAllText(sidecar + ".tmp", now.ToJson() + "\n");
            File.Move(sidecar + ".tmp", sidecar, overwrite: true);
            var buffer = new MemoryStream();
            using (var csv = CsvWriter.Create(buffer, CsvCodec.WriterOptions, leaveOpen: true)) CsvCodec.WriteHeader(csv);
            _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        _stream.Flush(flushToDisk: true);
        ResultCheckpoint.Empty(_stream.Length).Save(_checkpointPath);
    }

    /// <summary>Whether a CSV partial file's first line names today's columns (rows appended to an earlier version's would not line up).</summary>
    private bool HasCurrentColumns()
    {
        _stream.Seek(0, SeekOrigin.Begin);
        var line = new List<byte>();
        int b;
        while ((b = _stream.ReadByte()) >= 0 && b != '\n') line.Add((byte)b);
        return Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r') == string.Join(",", CsvCodec.Columns);
    }

    private ResultHeader ReadHeader()
    {
        if (Format == ResultFormat.Csv) return ResultHeader.Parse(File.ReadAllText(ResultFiles.SidecarOf(PartialPath)));
        _stream.Seek(0, SeekOrigin.Begin);
        var line = new List<byte>();
        int b;
        while ((b = _stream.ReadByte()) >= 0 && b != '\n') line.Add((byte)b);
        if (b != '\n') throw new InvalidDataException("The header line is incomplete.");
        return ResultHeader.Parse(Encoding.UTF8.GetString(line.ToArray()));
    }

    /// <summary>Appends one whole clip (its frames, in order), flushes it to disk, then moves the checkpoint past it.</summary>
    public void AppendClip(IReadOnlyList<FrameDetections> frames)
    {
        if (frames.Count == 0) return;
        if (Format == ResultFormat.JsonLines)
        {
            var buffer = new ArrayBufferWriter<byte>(64 * 1024);
            foreach (var f in frames) JsonLinesCodec.Write(buffer, f);
            _stream.Write(buffer.WrittenSpan);
        }
        else
        {
            var buffer = new MemoryStream();
            using (var csv = CsvWriter.Create(buffer, CsvCodec.WriterOptions, leaveOpen: true))
            {
                foreach (var f in frames) CsvCodec.Write(csv, f);
            }
            _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        _stream.Flush(flushToDisk: true);
        LastFrame = frames[^1].FrameIndex;
        ClipsAppended++;
        new ResultCheckpoint(frames[^1].ClipIndex, LastFrame, _stream.Length).Save(_checkpointPath);
    }

    /// <summary>Renames the partial file (and a CSV's sidecar) onto the target, replacing an older one, and removes the checkpoint.</summary>
    public FileInfo Commit()
    {
        _stream.Flush(flushToDisk: true);
        // Renamed while still open (and locked), so no other writer can slip in between.
        File.Move(PartialPath, TargetPath, overwrite: true);
        if (Format == ResultFormat.Csv) File.Move(ResultFiles.SidecarOf(PartialPath), ResultFiles.SidecarOf(TargetPath), overwrite: true);
        _done = true;
        _stream.Dispose();
        ResultCheckpoint.Delete(_checkpointPath);
        return new FileInfo(TargetPath);
    }

    /// <summary>Closes the file; a partial file is kept (whole clips) for a later resume.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _stream.Dispose();
    }
}
