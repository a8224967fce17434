using System.Collections;
using System.Management.Automation;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Accepts clips that travelled: a <see cref="VideoClip"/> that went through Export-Clixml /
/// Import-Clixml or ConvertTo-Json / ConvertFrom-Json comes back as a property bag; it is rebuilt
/// from its Path, Index, StartFrame and EndFrame (and times when present).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class VideoClipTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        if (inputData is IList list && inputData is not PSObject)
        {
            var clips = new VideoClip[list.Count];
            for (int i = 0; i < list.Count; i++) clips[i] = ToClip(list[i]);
            return clips;
        }
        return new[] { ToClip(inputData) };
    }

    private static VideoClip ToClip(object? item)
    {
        if (item is PSObject { BaseObject: VideoClip wrapped }) return wrapped;
        if (item is VideoClip clip) return clip;
        if (item is PSObject pso)
        {
            string? path = pso.Properties["Path"]?.Value?.ToString();
            object? start = pso.Properties["StartFrame"]?.Value, end = pso.Properties["EndFrame"]?.Value;
            if (!string.IsNullOrEmpty(path) && start is not null && end is not null)
            {
                long s = LanguagePrimitives.ConvertTo<long>(start), e = LanguagePrimitives.ConvertTo<long>(end);
                return new VideoClip
                {
                    Path = path,
                    Index = pso.Properties["Index"]?.Value is { } idx ? LanguagePrimitives.ConvertTo<int>(idx) : 0,
                    StartFrame = s,
                    EndFrame = e,
                    FrameCount = e - s,
                    StartTime = TimeOrZero(pso, "StartTime"),
                    EndTime = TimeOrZero(pso, "EndTime"),
                    IsPartial = pso.Properties["IsPartial"]?.Value is { } p && LanguagePrimitives.ConvertTo<bool>(p),
                    RelativePath = pso.Properties["RelativePath"]?.Value?.ToString(),
                    Root = pso.Properties["Root"]?.Value?.ToString(),
                };
            }
        }
        throw new ArgumentTransformationMetadataException(
            $"Cannot use {item ?? "null"} as a clip: expected a VideoClip from Split-VideoClip (or one with Path, StartFrame and EndFrame).");
    }

    private static TimeSpan TimeOrZero(PSObject pso, string name)
    {
        object? v = pso.Properties[name]?.Value;
        if (v is PSObject inner) v = inner.BaseObject;
        return v switch
        {
            TimeSpan t => t,
            string s when TimeSpan.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var t) => t,
            _ when v is not null && (pso.Properties[name]?.Value as PSObject)?.Properties["Ticks"]?.Value is { } ticks => TimeSpan.FromTicks(LanguagePrimitives.ConvertTo<long>(ticks)),
            _ => TimeSpan.Zero,
        };
    }
}
