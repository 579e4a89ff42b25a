using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Dmx;

/// <summary>The functions and names a source adds to DMX: prediction functions in a prediction join, for example.</summary>
public interface IDmxFunctions
{
    /// <summary>The output column of <paramref name="call"/> (its default name, type, nested columns); throws for an unknown function.</summary>
    RowsetColumn Describe(DmxCall call);

    /// <summary>The value of <paramref name="call"/> for a row (a nested table is a list of object?[]).</summary>
    object? Call(DmxCall call, DmxRow row);

    /// <summary>A name that is not a column of the source (a model column in a prediction join); throws when unknown.</summary>
    (RowsetColumn Column, Func<DmxRow, object?> Value) Name(DmxName name);

    /// <summary>What an unqualified * adds after the source's columns (a prediction join's predictable columns).</summary>
    IEnumerable<(RowsetColumn Column, Func<DmxRow, object?> Value)> Star(DmxStar star) => [];
}
