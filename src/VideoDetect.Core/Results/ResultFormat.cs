namespace VideoDetect.Results;

/// <summary>The result file formats.</summary>
public enum ResultFormat
{
    /// <summary>JSON Lines: a header record, then one record per frame (empty frames included) with its detections.</summary>
    JsonLines,
    /// <summary>CSV, one row per detection (a frame with none: one row with an empty Label), for Import-Csv, DuckDB and pandas; the header record in a sidecar.</summary>
    Csv,
    /// <summary>
    /// The MOTChallenge text format (<see cref="MotExport"/>), for TrackEval and py-motmetrics: an export
    /// only, written whole or not at all — never resumed, not read back by Import-FrameDetection.
    /// </summary>
    Mot,
}

/// <summary>The file names of the result store: data file, partial file, CSV header sidecar, checkpoint.</summary>
public static class ResultFiles
{
    public const string JsonLinesSuffix = ".detections.jsonl";
    public const string CsvSuffix = ".detections.csv";
    public const string MotSuffix = ".mot.txt";

    /// <summary>The -OutputDirectory suffix of <paramref name="format"/>.</summary>
    public static string Suffix(ResultFormat format) => format switch
    {
        ResultFormat.Csv => CsvSuffix,
        ResultFormat.Mot => MotSuffix,
        _ => JsonLinesSuffix,
    };

    /// <summary>The format a file name implies (.csv: Csv, else JsonLines).</summary>
    public static ResultFormat FormatOf(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".csv" + PendingFile.PartialSuffix, StringComparison.OrdinalIgnoreCase) ? ResultFormat.Csv : ResultFormat.JsonLines;

    /// <summary>The CSV header sidecar of a data (or partial) file: <c>cam1.detections.csv.header.json</c>.</summary>
    public static string SidecarOf(string dataPath) => dataPath + ".header.json";

    /// <summary>The checkpoint of a partial file: how much of it holds whole clips.</summary>
    public static string CheckpointOf(string partialPath) => partialPath + ".checkpoint";
}
