using System.Collections;
using System.Management.Automation;

namespace VideoDetect.Commands;

/// <summary>
/// Accepts objects that travelled: on a parameter of a module type, a value that came back from
/// Start-Job, remoting, Import-Clixml or ConvertFrom-Json (a property bag) is rebuilt as that type
/// (<see cref="PortableObjects"/>), and one of a type that cannot cross (a FrameBatch, a loaded
/// DetectionModel) fails binding with what to send instead. Live objects pass untouched.
/// <para>
/// Apply it to a parameter with the element type it takes, for arrays too:
/// <code>
/// [Parameter(Mandatory = true, ValueFromPipeline = true)]
/// [PortableObjectTransformation(typeof(FrameDetections))]
/// public FrameDetections[] InputObject { get; set; }
/// </code>
/// (Export-FrameDetection, Add-DetectionTrack, ConvertTo-DetectionEvent: the same two lines.) On
/// an <c>object</c> parameter that takes a path or a live object (-Model) it passes everything but
/// the objects that cannot cross.
/// </para>
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PortableObjectTransformationAttribute(Type type) : ArgumentTransformationAttribute
{
    /// <summary>The type the parameter takes (the element type for an array parameter).</summary>
    public Type Type { get; } = type;

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        // A list (several values on the command line, or an array piped as one object): each item.
        if (value is IList list && value is not IDictionary && !Type.IsInstanceOfType(value))
        {
            bool changed = false;
            var items = new object?[list.Count];
            for (int i = 0; i < list.Count; i++)
            {
                items[i] = PortableObjects.Convert(Type, list[i]);
                changed |= !ReferenceEquals(items[i], list[i]);
            }
            if (!changed) return inputData;
            if (Array.TrueForAll(items, x => x is null || Type.IsInstanceOfType(x)))
            {
                var typed = Array.CreateInstance(Type, items.Length);
                Array.Copy(items, typed, items.Length);
                return typed;
            }
            return items;
        }
        return PortableObjects.Convert(Type, inputData);
    }
}
