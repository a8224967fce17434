using System.Collections;
using System.Management.Automation;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Accepts clips that travelled (Export-Clixml / Import-Clixml, a job, remoting, ConvertTo-Json /
/// ConvertFrom-Json), through the shared <see cref="PortableObjects"/> rebuild (Core's
/// <see cref="ClipRecords"/>): what <c>[PortableObjectTransformation(typeof(VideoClip))]</c> does,
/// and besides it refuses, at binding, anything that is not a clip (a clip parameter has no other
/// use for it) and always hands the binder a VideoClip[].
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

    private static VideoClip ToClip(object? item) =>
        PortableObjects.Convert(typeof(VideoClip), item) as VideoClip
        ?? throw new ArgumentTransformationMetadataException(
            $"Cannot use {item ?? "null"} as a clip: expected a VideoClip from Split-VideoClip (or one with Path, StartFrame and EndFrame).");
}
