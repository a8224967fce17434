using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using VideoDetect.Tracking;

namespace VideoDetect.Commands;

/// <summary>
/// -Tracker accepts a name from Core's <see cref="Trackers"/> registry, in any case; anything else is
/// a ParameterArgumentValidationError naming the trackers. A tracker added to the registry is valid
/// here with no change.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateTrackerAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        string? value = arguments is PSObject pso ? pso.BaseObject as string : arguments as string;
        if (value is null || !Trackers.Names.Contains(value, StringComparer.OrdinalIgnoreCase))
            throw new ValidationMetadataException($"'{arguments}' is not a tracker. Trackers: {string.Join(", ", Trackers.Names)}.");
    }
}

/// <summary>Tab completion for -Tracker, from <see cref="Trackers.Names"/>.</summary>
public sealed class TrackerCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Trackers.Names
            .Where(n => n.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}
