using VideoDetect.Tracking;

namespace VideoDetect.Commands;

/// <summary>
/// -Tracker accepts a name from Core's <see cref="Trackers"/> registry, in any case; anything else is
/// a ParameterArgumentValidationError naming the trackers. A tracker added to the registry is valid
/// here with no change.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateTrackerAttribute : ValidateNameListAttribute
{
    protected override IEnumerable<string> Names => Trackers.Names;
    protected override string What => "a tracker";
    protected override string ListName => "Trackers";
}

/// <summary>Tab completion for -Tracker, from <see cref="Trackers.Names"/>.</summary>
public sealed class TrackerCompleter : NameListCompleter
{
    protected override IEnumerable<string> Names => Trackers.Names;
}
