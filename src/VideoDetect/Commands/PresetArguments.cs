using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using VideoDetect.Export;

namespace VideoDetect.Commands;

/// <summary>
/// -Preset accepts one of libx264's presets (<see cref="EncoderChoice.Presets"/>, the one list),
/// in any case; anything else is a ParameterArgumentValidationError naming the presets.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidatePresetAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        string? value = arguments is PSObject pso ? pso.BaseObject as string : arguments as string;
        if (!Encoders.IsPreset(value))
            throw new ValidationMetadataException($"'{arguments}' is not a libx264 preset. Presets: {string.Join(", ", EncoderChoice.Presets)}.");
    }
}

/// <summary>Tab completion for -Preset, from <see cref="EncoderChoice.Presets"/>.</summary>
public sealed class PresetCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        EncoderChoice.Presets
            .Where(p => p.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p));
}
