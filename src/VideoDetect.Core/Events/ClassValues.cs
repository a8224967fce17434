using System.Collections;
using System.Globalization;
using VideoDetect.Errors;

namespace VideoDetect.Events;

/// <summary>An object filter (a per-class value, a class group, a range) was written wrongly: <see cref="ErrorIds.InvalidObjectFilter"/>.</summary>
public sealed class InvalidObjectFilterException(string message) : VideoDetectException(ErrorIds.InvalidObjectFilter, message);

/// <summary>
/// One number for every class, or a number per label (Frigate's per-object filters): written in
/// PowerShell as a single value (<c>-MinArea 400</c>) or a hashtable by label, case-insensitive, where
/// the key <c>*</c> stands for every label not named (<c>-MinArea @{ person = 400; car = 2000; '*' = 100 }</c>).
/// A label with no entry and no <c>*</c> is not filtered by this setting.
/// </summary>
public sealed class ClassValues
{
    /// <summary>The key that stands for every label not named.</summary>
    public const string AnyLabel = "*";

    private readonly Dictionary<string, double> _byLabel = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>No value for any class (the setting is off).</summary>
    public static ClassValues None { get; } = new();

    private ClassValues() { }

    /// <summary>The same value for every class.</summary>
    public ClassValues(double all) => _byLabel[AnyLabel] = all;

    /// <summary>Values by label (<see cref="AnyLabel"/> for the rest).</summary>
    public ClassValues(IEnumerable<KeyValuePair<string, double>> byLabel)
    {
        foreach (var (label, value) in byLabel) _byLabel[label] = value;
    }

    /// <summary>Whether no class has a value.</summary>
    public bool IsEmpty => _byLabel.Count == 0;

    /// <summary>The labels and values given (<see cref="AnyLabel"/> included), for validation and display.</summary>
    public IReadOnlyDictionary<string, double> Values => _byLabel;

    /// <summary>The value for <paramref name="label"/>: its own, else the <c>*</c> one, else null (not filtered).</summary>
    public double? For(string label) =>
        _byLabel.TryGetValue(label ?? "", out double v) ? v : _byLabel.TryGetValue(AnyLabel, out double any) ? any : null;

    /// <summary>
    /// Reads a number (every class) or a dictionary of label → number (a PowerShell hashtable); values
    /// may be numbers or invariant-culture strings. <see cref="InvalidObjectFilterException"/> names what
    /// cannot be read. <paramref name="unwrap"/> turns a host wrapper (PSObject) into its value.
    /// </summary>
    public static ClassValues Parse(string setting, object? value, Func<object?, object?>? unwrap = null)
    {
        unwrap ??= v => v;
        value = unwrap(value);
        if (value is null) return None;
        if (value is ClassValues cv) return cv;
        if (value is IDictionary table)
        {
            var pairs = new List<KeyValuePair<string, double>>();
            foreach (DictionaryEntry entry in table)
            {
                string label = unwrap(entry.Key)?.ToString() ?? "";
                if (label.Length == 0) throw new InvalidObjectFilterException($"-{setting}: a label is empty; write @{{ person = 400; car = 2000 }}.");
                pairs.Add(new(label, Number(setting, label, unwrap(entry.Value))));
            }
            return new ClassValues(pairs);
        }
        return new ClassValues(Number(setting, AnyLabel, value));
    }

    private static double Number(string setting, string label, object? value)
    {
        double d = value switch
        {
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) => p,
            IConvertible c and not string and not bool => TryConvert(c),
            _ => double.NaN,
        };
        if (double.IsNaN(d) || double.IsInfinity(d))
            throw new InvalidObjectFilterException($"-{setting}: '{value}' for '{label}' is not a number; write one number for every class, or @{{ person = 400; car = 2000 }}.");
        return d;
    }

    private static double TryConvert(IConvertible c)
    {
        try { return c.ToDouble(CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException) { return double.NaN; }
    }

    public override string ToString() => IsEmpty ? "(none)" :
        _byLabel.Count == 1 && _byLabel.ContainsKey(AnyLabel) ? _byLabel[AnyLabel].ToString(CultureInfo.InvariantCulture)
        : string.Join("; ", _byLabel.Select(kv => $"{kv.Key} = {kv.Value.ToString(CultureInfo.InvariantCulture)}"));
}
