using System.Text.Json;
using System.Text.RegularExpressions;

namespace VideoDetect.Inference;

/// <summary>Reads what exporters leave in an ONNX model's metadata (custom metadata map).</summary>
public static partial class ModelMetadata
{
    /// <summary>
    /// Class names from "names" (Ultralytics and YOLOv5 write a Python dict, {0: 'person', 1: 'bicycle'};
    /// a JSON list or object is read too), ordered by index; null when absent, unreadable, or with gaps.
    /// </summary>
    public static IReadOnlyList<string>? Names(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("names", out var text) || string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (text.StartsWith('['))
        {
            try { return JsonSerializer.Deserialize<string[]>(text) is { Length: > 0 } list ? list : null; }
            catch (JsonException) { return null; }
        }
        var pairs = new SortedDictionary<int, string>();
        foreach (Match m in Entry().Matches(text))
        {
            int index = int.Parse(m.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture);
            string name = m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["d"].Value;
            pairs[index] = Regex.Unescape(name);
        }
        if (pairs.Count == 0 || pairs.Keys.First() != 0 || pairs.Keys.Last() != pairs.Count - 1) return null;
        return pairs.Values.ToArray();
    }

    /// <summary>The input size from "imgsz" ([h, w] or one number), or null.</summary>
    public static (int Width, int Height)? ImageSize(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("imgsz", out var text)) return null;
        var numbers = Regex.Matches(text, @"\d+").Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return numbers.Length switch
        {
            1 when numbers[0] > 0 => (numbers[0], numbers[0]),
            2 when numbers[0] > 0 && numbers[1] > 0 => (numbers[1], numbers[0]),
            _ => null,
        };
    }

    // {0: 'person', 1: "it's", "2": 'x'}: a (possibly quoted) integer key, a single- or double-quoted value.
    [GeneratedRegex("""["']?(?<i>\d+)["']?\s*:\s*(?:'(?<s>(?:[^'\\]|\\.)*)'|"(?<d>(?:[^"\\]|\\.)*)")""")]
    private static partial Regex Entry();
}
