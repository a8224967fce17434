using VideoDetect.Errors;

namespace VideoDetect.Tracking;

/// <summary>An unknown tracker name: <see cref="ErrorIds.UnknownTracker"/>. (Add-DetectionTrack validates the name first.)</summary>
public sealed class UnknownTrackerException(string name, string message) : VideoDetectException(ErrorIds.UnknownTracker, message)
{
    public string Name { get; } = name;
}

/// <summary>
/// The trackers by name (case-insensitive): Add-DetectionTrack's <c>-Tracker</c> lists and validates
/// <see cref="Names"/> and creates through <see cref="Create"/>. Adding a tracker: one class
/// implementing <see cref="ITracker"/> and one line in the table below.
/// <para>Options: <see cref="TrackerOptions"/> holds the parameters every tracker takes (score
/// thresholds, match threshold, lost-track buffer, MinHits — the cmdlet's parameters); a tracker's
/// own extra settings live in its own options type, with its defaults, built by its factory here.</para>
/// Thread-safe.
/// </summary>
public static class Trackers
{
    /// <summary>The tracker Add-DetectionTrack uses without <c>-Tracker</c>.</summary>
    public const string Default = OcSortTracker.TrackerName;

    private static readonly object s_lock = new();
    private static readonly Dictionary<string, Func<TrackerOptions, ITracker>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [ByteTracker.TrackerName] = options => new ByteTracker(options),
        [OcSortTracker.TrackerName] = options => new OcSortTracker(options),
    };

    /// <summary>The registered names, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (s_lock) return s_factories.Keys.Order(StringComparer.OrdinalIgnoreCase).ToArray();
        }
    }

    /// <summary>A new tracker of the given name (any case) with <paramref name="options"/> (validated); <see cref="UnknownTrackerException"/> for an unknown name.</summary>
    public static ITracker Create(string name, TrackerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        options ??= new TrackerOptions();
        options.Validate();
        Func<TrackerOptions, ITracker>? factory;
        lock (s_lock) s_factories.TryGetValue(name, out factory);
        if (factory is null)
            throw new UnknownTrackerException(name, $"There is no tracker named '{name}'. Trackers: {string.Join(", ", Names)}.");
        return factory(options);
    }

    /// <summary>
    /// Adds a tracker under <paramref name="name"/> (a plug-in, a test); the name must be new. The
    /// factory gets the validated common options.
    /// </summary>
    public static void Register(string name, Func<TrackerOptions, ITracker> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        lock (s_lock)
        {
            if (!s_factories.TryAdd(name, factory)) throw new ArgumentException($"A tracker named '{name}' is already registered.", nameof(name));
        }
    }
}
