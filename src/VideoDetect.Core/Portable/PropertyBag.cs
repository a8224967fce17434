using System.Collections;
using VideoDetect.Errors;

namespace VideoDetect.Portable;

/// <summary>
/// An object that crossed a process boundary, as plain data: its properties by name (case
/// ignored, as PowerShell does) and the type names it carried ("Deserialized.VideoDetect..." after
/// CliXml, a job or remoting; none after JSON). Values are plain .NET values, nested bags, lists
/// and dictionaries; the PowerShell layer builds bags from PSObjects, so Core stays free of it.
/// The typed getters throw <see cref="InputObjectNotRebuiltException"/> naming the property and
/// the type being rebuilt, so a bad input is never read as zeros.
/// </summary>
public sealed class PropertyBag
{
    /// <summary>The prefix PowerShell's serializer puts before the type names of what it rebuilds.</summary>
    public const string DeserializedPrefix = "Deserialized.";

    private readonly Dictionary<string, object?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = new();

    public PropertyBag(IEnumerable<KeyValuePair<string, object?>> properties, IReadOnlyList<string>? typeNames = null)
    {
        foreach (var (name, value) in properties)
        {
            if (_values.TryAdd(name, value)) _order.Add(name);
        }
        TypeNames = typeNames ?? Array.Empty<string>();
    }

    /// <summary>A dictionary (a Hashtable from CliXml, ConvertFrom-Json -AsHashtable) as a bag; keys as strings.</summary>
    public static PropertyBag FromDictionary(IDictionary dictionary, IReadOnlyList<string>? typeNames = null) =>
        new(dictionary.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(k.ToString() ?? "", dictionary[k])), typeNames);

    /// <summary>Type names, most derived first (e.g. "Deserialized.VideoDetect.Inference.FrameDetections").</summary>
    public IReadOnlyList<string> TypeNames { get; }

    /// <summary>The full name of the .NET type this bag was serialised from, or null (JSON, a hand-made object).</summary>
    public string? DeserializedTypeName =>
        TypeNames.Count > 0 && TypeNames[0].StartsWith(DeserializedPrefix, StringComparison.Ordinal) ? TypeNames[0][DeserializedPrefix.Length..] : null;

    /// <summary>The type being rebuilt, for messages (set by the rebuilder).</summary>
    public string Target { get; set; } = "object";

    public IEnumerable<string> Names => _order;

    public bool TryGetValue(string name, out object? value) => _values.TryGetValue(name, out value);

    public Dictionary<string, object?> ToDictionary()
    {
        var d = new Dictionary<string, object?>(_order.Count);
        foreach (string name in _order) d[name] = PortableValues.ToPlain(_values[name]);
        return d;
    }

    public string String(string name, string? fallback = null)
    {
        if (!_values.TryGetValue(name, out object? v) || v is null) return fallback ?? throw Missing(name);
        return v as string ?? throw Wrong(name, v, "text");
    }

    public long Int64(string name, long? fallback = null) => Read(name, fallback, PortableValues.TryInt64, "a whole number");

    public int Int32(string name, int? fallback = null) => Read(name, fallback, PortableValues.TryInt32, "a 32-bit whole number");

    public float Single(string name, float? fallback = null) => Read(name, fallback, PortableValues.TrySingle, "a number");

    public double Double(string name, double? fallback = null) => Read(name, fallback, PortableValues.TryDouble, "a number");

    public bool Boolean(string name, bool? fallback = null) => Read(name, fallback, PortableValues.TryBoolean, "true or false");

    public TimeSpan TimeSpan(string name, TimeSpan? fallback = null) => Read(name, fallback, PortableValues.TryTimeSpan, "a time (a TimeSpan, its Ticks, or d.hh:mm:ss.fffffff)");

    /// <summary>A nullable text: missing or null is null.</summary>
    public string? NullableString(string name)
    {
        if (!_values.TryGetValue(name, out object? v) || v is null) return null;
        return v as string ?? throw Wrong(name, v, "text or null");
    }

    /// <summary>A nullable whole number: missing or null is null.</summary>
    public int? NullableInt32(string name)
    {
        if (!_values.TryGetValue(name, out object? v) || v is null) return null;
        return PortableValues.TryInt32(v, out int i) ? i : throw Wrong(name, v, "a 32-bit whole number or null");
    }

    /// <summary>A nullable point in time with its offset (<see cref="PortableValues.TryDateTimeOffset"/>): missing or null is null.</summary>
    public DateTimeOffset? NullableDateTimeOffset(string name)
    {
        if (!_values.TryGetValue(name, out object? v) || v is null) return null;
        return PortableValues.TryDateTimeOffset(v, out var t) ? t : throw Wrong(name, v, "a date and time with its offset (ISO 8601) or null");
    }

    /// <summary>The items of a list property; null is an empty list, a missing property an error.</summary>
    public IReadOnlyList<object?> List(string name)
    {
        if (!_values.TryGetValue(name, out object? v)) throw Missing(name);
        return v switch
        {
            null => Array.Empty<object?>(),
            string => new object?[] { v },      // text is one item (a detection past the depth); its reader refuses it
            IEnumerable items and not IDictionary => items.Cast<object?>().ToArray(),
            _ => new[] { v },                   // one value where a list is expected (hand-made data): one item
        };
    }

    /// <summary>A nested object as a bag (a dictionary becomes one); null when missing or null.</summary>
    public PropertyBag? Bag(string name)
    {
        if (!_values.TryGetValue(name, out object? v) || v is null) return null;
        return v switch
        {
            PropertyBag bag => bag,
            IDictionary dict => FromDictionary(dict),
            _ => throw Wrong(name, v, "an object"),
        };
    }

    public InputObjectNotRebuiltException Missing(string name) =>
        new($"Cannot read {Describe()} as a {Target}: it has no '{name}' property.");

    public InputObjectNotRebuiltException Wrong(string name, object? value, string expected) =>
        new($"Cannot read {Describe()} as a {Target}: its '{name}' is {PortableValues.Describe(value)}, not {expected}.");

    private string Describe() => DeserializedTypeName is { } t ? $"a deserialized {t}" : "an object";

    private delegate bool TryRead<T>(object? value, out T result);

    private T Read<T>(string name, T? fallback, TryRead<T> read, string expected) where T : struct
    {
        if (!_values.TryGetValue(name, out object? v) || v is null) return fallback ?? throw Missing(name);
        return read(v, out T result) ? result : throw Wrong(name, v, expected);
    }
}
