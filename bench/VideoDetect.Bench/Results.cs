using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>What a target asks of a ratio: at least (speed) or at most (memory) a threshold.</summary>
internal sealed record Target(string Op, double Threshold)
{
    public static Target AtLeast(double t) => new(">=", t);
    public static Target AtMost(double t) => new("<=", t);
    public bool Passes(double ratio) => Op == ">=" ? ratio >= Threshold : ratio <= Threshold;
    public override string ToString() => $"{(Op == ">=" ? "≥" : "≤")} {Threshold.ToString("0.##", CultureInfo.InvariantCulture)}×";
}

/// <summary>
/// One figure of the suite: a value, the baseline it is set against (measured in the same run), their
/// ratio (value ÷ baseline), and the target that ratio must meet (null: for information).
/// </summary>
internal sealed record Figure
{
    public required string Section { get; init; }
    public required string Name { get; init; }
    public required double Value { get; init; }
    public required string Unit { get; init; }
    public string? Baseline { get; init; }
    public double? BaselineValue { get; init; }
    public double? Ratio => BaselineValue is > 0 ? Value / BaselineValue : null;
    [JsonIgnore] public Target? Goal { get; init; }
    public string? Target => Goal?.ToString();
    public bool? Pass => Goal is null || Ratio is null ? null : Goal.Passes(Ratio.Value);
    public string? Note { get; init; }
}

/// <summary>Collects the figures; writes results.json and results.md and prints a console table.</summary>
internal sealed class Results
{
    private readonly List<Figure> _figures = new();
    private readonly List<string> _notes = new();
    private readonly StringBuilder _extra = new();

    public IReadOnlyList<Figure> Figures => _figures;

    public Figure Add(Figure f)
    {
        _figures.Add(f);
        Console.WriteLine($"  {f.Name}: {Format(f.Value)} {f.Unit}" + (f.Ratio is { } r ? $"  ({r:F2}× {f.Baseline})" : "") + (f.Pass is { } p ? (p ? "  PASS" : "  MISS") : ""));
        return f;
    }

    /// <summary>A line for the report (what was not measured, and why).</summary>
    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    /// <summary>Markdown that goes only into results.md (the planning table).</summary>
    public StringBuilder Extra => _extra;

    public void Write(string directory, IDictionary<string, object?> environment)
    {
        var doc = new Dictionary<string, object?>
        {
            ["generated"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["environment"] = environment,
            ["figures"] = _figures,
            ["notes"] = _notes,
        };
        var json = JsonSerializer.Serialize(doc, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        File.WriteAllText(Path.Combine(directory, "results.json"), json);

        var md = new StringBuilder();
        md.AppendLine($"# VideoDetect benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(string.Join(", ", environment.Select(kv => $"{kv.Key}: {kv.Value}")));
        md.AppendLine();
        md.AppendLine("| section | figure | value | baseline | baseline value | ratio | target | result |");
        md.AppendLine("|---|---|---:|---|---:|---:|---|---|");
        foreach (var f in _figures)
        {
            md.AppendLine($"| {f.Section} | {f.Name.Replace("|", "\\|", StringComparison.Ordinal)} | {Format(f.Value)} {f.Unit} | {f.Baseline} | {(f.BaselineValue is { } b ? Format(b) : "")} | " +
                $"{(f.Ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) + "×" : "")} | {f.Target} | {(f.Pass is { } p ? (p ? "pass" : "**miss**") : "")} |");
        }
        md.AppendLine();
        foreach (var n in _notes) md.AppendLine($"- {n}");
        md.AppendLine();
        md.Append(_extra);
        File.WriteAllText(Path.Combine(directory, "results.md"), md.ToString());
    }

    public void PrintTable()
    {
        var rows = new List<string[]> { new[] { "figure", "value", "baseline", "ratio", "target", "result" } };
        foreach (var f in _figures)
        {
            rows.Add(new[]
            {
                $"{f.Section}: {f.Name}", $"{Format(f.Value)} {f.Unit}",
                f.Baseline is null ? "" : $"{f.Baseline} ({(f.BaselineValue is { } b ? Format(b) : "")})",
                f.Ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) + "×" : "",
                f.Target ?? "", f.Pass is { } p ? (p ? "pass" : "MISS") : "",
            });
        }
        int[] widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        Console.WriteLine();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c is 1 or 3 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))));
            if (i == 0) Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        foreach (var n in _notes) Console.WriteLine($"note: {n}");
    }

    private static string Format(double v) => Math.Abs(v) >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture) : v.ToString("F2", CultureInfo.InvariantCulture);
}
