using System.Collections;
using System.Management.Automation;
using VideoDetect.Events;

namespace VideoDetect.Commands;

/// <summary>
/// Turns a per-class filter value into Core's <see cref="ClassValues"/>: one number for every class
/// (<c>-MinArea 400</c>) or a hashtable by label (<c>-MinArea @{ person = 400; car = 2000; '*' = 100 }</c>).
/// What cannot be read is a ParameterArgumentTransformationError whose inner exception carries
/// <c>InvalidObjectFilter</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ClassValuesTransformationAttribute(string parameter) : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        // An InvalidObjectFilterException passes out as it is: PowerShell makes it the inner exception of the binding error.
        return ClassValues.Parse(parameter, inputData, v => v is PSObject pso ? pso.BaseObject : v);
    }
}

/// <summary>Reads Add-DetectionTrack's -IgnoreRegion and -ClassGroup into Core's types.</summary>
internal static class ObjectFilterArguments
{
    /// <summary>Named polygons, as ConvertTo-DetectionEvent's -Region: @{ Sign = '20,100 60,100 60,150 20,150' }.</summary>
    public static IReadOnlyList<Region> Regions(IDictionary? table) => Named(table).Select(p => new Region(p.Name, p.Points)).ToList();

    /// <summary>A hashtable of named points ('x,y x,y …'), as -Region and -Line take it: each key's name and text, in the table's order.</summary>
    public static IEnumerable<(string Name, string Points)> Named(IDictionary? table)
    {
        if (table is null) yield break;
        foreach (DictionaryEntry entry in table)
        {
            object? value = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
            yield return (entry.Key?.ToString() ?? "", value?.ToString() ?? "");
        }
    }

    /// <summary>Groups written 'car,truck,bus' (commas or spaces); null keeps the default groups, an empty array turns them off.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Groups(string[]? groups) => groups is null
        ? ObjectFilterOptions.DefaultClassGroups
        : groups.Select(g => (IReadOnlyList<string>)(g ?? "").Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
