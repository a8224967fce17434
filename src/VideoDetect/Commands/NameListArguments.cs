using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VideoDetect.Commands;

/// <summary>
/// A parameter that takes one name from a list Core owns (a libx264 preset, a tracker): any case is
/// accepted; anything else is a ParameterArgumentValidationError that lists the names, and tab
/// completion offers them. A subclass names the list and what its items are.
/// </summary>
public abstract class ValidateNameListAttribute : ValidateArgumentsAttribute
{
    /// <summary>The accepted names, in the order the error message lists them.</summary>
    protected abstract IEnumerable<string> Names { get; }

    /// <summary>What one name is, for the message ("a libx264 preset", "a tracker").</summary>
    protected abstract string What { get; }

    /// <summary>Heading of the list in the message ("Presets", "Trackers").</summary>
    protected abstract string ListName { get; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        string? value = arguments is PSObject pso ? pso.BaseObject as string : arguments as string;
        if (value is null || !Names.Contains(value, StringComparer.OrdinalIgnoreCase))
            throw new ValidationMetadataException($"'{arguments}' is not {What}. {ListName}: {string.Join(", ", Names)}.");
    }
}

/// <summary>Tab completion from a list of names: those that start with what was typed, in any case.</summary>
public abstract class NameListCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<string> Names { get; }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Names
            .Where(n => n.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}
