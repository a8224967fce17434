using System.Text;
using CsvHelper;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// Reads a result file back as <see cref="FrameDetections"/> (each with its <see cref="Detection"/>s
/// and the <see cref="DetectionRun"/> of its header), streaming: one frame in memory at a time. A
/// file whose last line is incomplete (a crashed run) or that holds a record that does not parse
/// yields every frame before it, then throws <see cref="ResultFileCorruptException"/> naming the
/// file and line.
/// </summary>
public static class ResultFileReader
{
    /// <summary>The result files of a folder: <c>*.detections.jsonl</c> and <c>*.detections.csv</c> (not partial files), by name.</summary>
    public static IEnumerable<string> FilesIn(string directory) =>
        Directory.EnumerateFiles(directory, "*" + ResultFiles.JsonLinesSuffix).Concat(Directory.EnumerateFiles(directory, "*" + ResultFiles.CsvSuffix))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<FrameDetections> Read(string path, CancellationToken cancellationToken = default)
    {
        var format = ResultFiles.FormatOf(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        long complete = CompleteLength(stream); // up to the last newline: a crashed writer's cut-off line is not read
        stream.Position = 0;
        var input = new BoundedStream(stream, complete);
        IEnumerable<(FrameDetections Frame, long Line)> frames = format == ResultFormat.Csv ? ReadCsv(path, input) : ReadJsonLines(path, input);
        long lastLine = 0;
        foreach (var (frame, line) in frames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lastLine = line;
            yield return frame;
        }
        if (complete < stream.Length)
            throw new ResultFileCorruptException(path, format == ResultFormat.Csv ? CountLines(stream, complete) + 1 : lastLine + 1, "the last line is incomplete (the file ends inside a record: a run that crashed?).");
    }

    private static IEnumerable<(FrameDetections, long)> ReadJsonLines(string path, Stream input)
    {
        long line = 0;
        ResultHeader? header = null;
        DetectionRun? run = null;
        string source = "";
        foreach (var bytes in Lines(input))
        {
            line++;
            if (bytes.Length == 0) continue;
            FrameDetections frame;
            try
            {
                if (header is null)
                {
                    header = ResultHeader.Parse(Encoding.UTF8.GetString(bytes));
                    run = header.ToRun();
                    source = header.Source.Path;
                    continue;
                }
                frame = JsonLinesCodec.Read(bytes, source, run);
                frame.RecordingStart = header.Source.RecordingStart;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new ResultFileCorruptException(path, line, header is null ? $"not a result file header: {e.Message}" : $"not a frame record: {e.Message}", e);
            }
            yield return (frame, line);
        }
        if (header is null) throw new ResultFileCorruptException(path, 0, "the file is empty (no header record).");
    }

    private static IEnumerable<(FrameDetections, long)> ReadCsv(string path, Stream input)
    {
        string sidecar = ResultFiles.SidecarOf(path);
        ResultHeader header;
        try
        {
            header = ResultHeader.Parse(File.ReadAllText(sidecar));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ResultFileCorruptException(path, 0, $"its header sidecar '{sidecar}' cannot be read: {e.Message}", e);
        }
        var run = header.ToRun();
        using var csv = CsvReader.Create(input, CsvCodec.ReaderOptions, leaveOpen: true);
        int[] columns;
        try
        {
            csv.ReadHeader();
            columns = CsvCodec.ColumnIndexes(csv);
        }
        catch (Exception e) when (e is InvalidDataException or CsvFormatException or FormatException)
        {
            throw new ResultFileCorruptException(path, 1, e.Message, e);
        }
        FrameDetections? current = null;
        var detections = new List<Detection>();
        long currentLine = 0;
        while (true)
        {
            (long Frame, int Clip, TimeSpan Timestamp, string Path, string? Extras, Detection? Detection) row;
            long line = 0;
            try
            {
                if (!csv.Read()) break;
                line = csv.LineNumber;
                row = CsvCodec.Read(csv, columns);
            }
            catch (Exception e) when (e is not ResultFileCorruptException and not OperationCanceledException)
            {
                throw new ResultFileCorruptException(path, line > 0 ? line : currentLine + 1, $"not a detection row: {e.Message}", e);
            }
            if (current is not null && row.Frame != current.FrameIndex)
            {
                current.Detections = detections.ToArray();
                yield return (current, currentLine);
                current = null;
            }
            if (current is null)
            {
                detections.Clear();
                current = new FrameDetections
                {
                    Path = row.Path,
                    ClipIndex = row.Clip,
                    FrameIndex = row.Frame,
                    Timestamp = row.Timestamp,
                    SourceWidth = header.Source.Width,
                    SourceHeight = header.Source.Height,
                    Run = run,
                    RecordingStart = header.Source.RecordingStart,
                };
                try { if (row.Extras is { } x) current.Extras = ExtrasCodec.FromJson(x); }
                catch (System.Text.Json.JsonException e) { throw new ResultFileCorruptException(path, line, $"the Extras column is not JSON: {e.Message}", e); }
            }
            if (row.Detection is { } d) detections.Add(d);
            currentLine = line;
        }
        if (current is not null)
        {
            current.Detections = detections.ToArray();
            yield return (current, currentLine);
        }
    }

    /// <summary>The lines of <paramref name="input"/> without their newline.</summary>
    private static IEnumerable<byte[]> Lines(Stream input)
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        int n;
        while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] != '\n') continue;
                line.Write(buffer, start, i - start);
                yield return line.ToArray();
                line.SetLength(0);
                start = i + 1;
            }
            line.Write(buffer, start, n - start);
        }
        if (line.Length > 0) yield return line.ToArray();
    }

    /// <summary>The length up to and including the last newline.</summary>
    private static long CompleteLength(FileStream stream)
    {
        long end = stream.Length;
        var buffer = new byte[4096];
        while (end > 0)
        {
            int n = (int)Math.Min(buffer.Length, end);
            stream.Position = end - n;
            stream.ReadExactly(buffer, 0, n);
            for (int i = n - 1; i >= 0; i--) if (buffer[i] == '\n') return end - n + i + 1;
            end -= n;
        }
        return 0;
    }

    private static long CountLines(FileStream stream, long length)
    {
        stream.Position = 0;
        long lines = 0;
        var buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n <= 0) break;
            for (int i = 0; i < n; i++) if (buffer[i] == '\n') lines++;
            left -= n;
        }
        return lines;
    }

    /// <summary>A read-only view of the first <c>length</c> bytes of a stream.</summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        private long _read;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, (int)Math.Min(count, length - _read));
            _read += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
