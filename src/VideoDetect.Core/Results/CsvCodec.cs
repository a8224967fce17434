using System.Globalization;
using CsvHelper;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// The CSV rows of result files, written and read with CsvHelper (RFC 4180, comma, "\n", invariant
/// culture, numbers in their shortest round-trip form). One row per detection: Path, FrameIndex,
/// Timestamp (seconds, exact to the tick), Label, ClassId, Confidence, X, Y, Width, Height,
/// TrackId, then ClipIndex, the frame's Extras (compact JSON) and the detection's Mask (polygons,
/// for models that give masks; a file without the column reads as no masks) and Appearance (the
/// descriptor, <see cref="Detection.Appearance"/>), Stationary ("true" or empty) and StationarySince (the
/// frame, <see cref="Detection.StationarySince"/>) — all four optional when read. A frame with no detection is one
/// row whose Label and box are empty, so every processed frame is in the file and the round trip is
/// exact. Frame size, model and parameters are in the header sidecar.
/// </summary>
public static class CsvCodec
{
    public static IReadOnlyList<string> Columns { get; } = new[]
    {
        "Path", "FrameIndex", "Timestamp", "Label", "ClassId", "Confidence", "X", "Y", "Width", "Height", "TrackId", "ClipIndex", "Extras", "Mask", "Appearance", "Stationary", "StationarySince",
    };

    /// <summary>Columns a file may lack (written by an earlier version): read as empty.</summary>
    private static readonly HashSet<string> Optional = new() { "Mask", "Appearance", "Stationary", "StationarySince" };

    public static CsvWriterOptions WriterOptions { get; } = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        Injection = CsvInjection.None, // data, not a spreadsheet: values stay as they are
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static CsvReaderOptions ReaderOptions { get; } = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static void WriteHeader(CsvWriter csv) => csv.WriteHeader(Columns.ToArray());

    /// <summary>Writes the rows of one frame: one per detection, or one empty row.</summary>
    public static void Write(CsvWriter csv, FrameDetections frame)
    {
        decimal t = frame.Timestamp.Ticks / (decimal)TimeSpan.TicksPerSecond;
        string? extras = frame.Extras is { } e ? ExtrasCodec.ToJson(e) : null;
        if (frame.Detections.Length == 0)
        {
            Start(csv, frame, t);
            for (int i = 0; i < 8; i++) csv.WriteField((string?)null);
            End(csv, frame, extras, null);
            return;
        }
        foreach (var d in frame.Detections)
        {
            Start(csv, frame, t);
            csv.WriteField(d.Label);
            csv.WriteField(d.ClassId, default);
            csv.WriteField(d.Confidence, default);
            csv.WriteField(d.X, default);
            csv.WriteField(d.Y, default);
            csv.WriteField(d.Width, default);
            csv.WriteField(d.Height, default);
            csv.WriteField(d.TrackId, default);
            End(csv, frame, extras, d);
        }
    }

    private static void Start(CsvWriter csv, FrameDetections frame, decimal t)
    {
        csv.WriteField(frame.Path);
        csv.WriteField(frame.FrameIndex, default);
        csv.WriteField(t, default);
    }

    private static void End(CsvWriter csv, FrameDetections frame, string? extras, Detection? d)
    {
        csv.WriteField(frame.ClipIndex, default);
        csv.WriteField(extras);
        csv.WriteField(d?.Mask);
        csv.WriteField(d?.Appearance);
        csv.WriteField(d?.Stationary == true ? "true" : null);
        csv.WriteField(d?.Stationary == true ? d.StationarySince : null, default);
        csv.EndRecord();
    }

    /// <summary>The column positions of a file's header; <see cref="InvalidDataException"/> when a column is missing.</summary>
    public static int[] ColumnIndexes(CsvReader csv)
    {
        var indexes = new int[Columns.Count];
        for (int i = 0; i < Columns.Count; i++)
        {
            if (csv.TryGetFieldIndex(Columns[i], out indexes[i])) continue;
            indexes[i] = -1;
            if (!Optional.Contains(Columns[i]))
                throw new InvalidDataException($"The CSV has no '{Columns[i]}' column (columns: {string.Join(", ", Columns)}).");
        }
        return indexes;
    }

    /// <summary>One row of the current record: its frame's keys, and its detection (null for an empty frame's row).</summary>
    public static (long Frame, int Clip, TimeSpan Timestamp, string Path, string? Extras, Detection? Detection) Read(CsvReader csv, int[] c)
    {
        string path = csv.GetString(c[0]) ?? "";
        long frame = csv.Parse<long>(c[1]);
        var t = new TimeSpan((long)(csv.Parse<decimal>(c[2]) * TimeSpan.TicksPerSecond));
        int clip = csv.Parse<int>(c[11]);
        string? extras = csv.IsEmpty(c[12]) ? null : csv.GetString(c[12]);
        Detection? d = csv.IsEmpty(c[4]) ? null : new Detection
        {
            Path = path,
            FrameIndex = frame,
            Timestamp = t,
            Label = csv.GetString(c[3]) ?? "",
            ClassId = csv.Parse<int>(c[4]),
            Confidence = csv.Parse<float>(c[5]),
            X = csv.Parse<double>(c[6]),
            Y = csv.Parse<double>(c[7]),
            Width = csv.Parse<double>(c[8]),
            Height = csv.Parse<double>(c[9]),
            TrackId = csv.IsEmpty(c[10]) ? null : csv.Parse<int>(c[10]),
            Mask = c[13] < 0 || csv.IsEmpty(c[13]) ? null : csv.GetString(c[13]),
            Appearance = c[14] < 0 || csv.IsEmpty(c[14]) ? null : csv.GetString(c[14]),
            Stationary = c[15] >= 0 && !csv.IsEmpty(c[15]) && string.Equals(csv.GetString(c[15]), "true", StringComparison.OrdinalIgnoreCase),
            StationarySince = c[16] < 0 || csv.IsEmpty(c[16]) ? null : csv.Parse<long>(c[16]),
        };
        return (frame, clip, t, path, extras, d);
    }
}
