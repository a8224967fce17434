using VideoDetect.Export;

namespace VideoDetect.Commands;

/// <summary>
/// -Preset accepts one of libx264's presets (<see cref="EncoderChoice.Presets"/>, the one list),
/// in any case; anything else is a ParameterArgumentValidationError naming the presets.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidatePresetAttribute : ValidateNameListAttribute
{
    protected override IEnumerable<string> Names => EncoderChoice.Presets;
    protected override string What => "a libx264 preset";
    protected override string ListName => "Presets";
}

/// <summary>Tab completion for -Preset, from <see cref="EncoderChoice.Presets"/>.</summary>
public sealed class PresetCompleter : NameListCompleter
{
    protected override IEnumerable<string> Names => EncoderChoice.Presets;
}
