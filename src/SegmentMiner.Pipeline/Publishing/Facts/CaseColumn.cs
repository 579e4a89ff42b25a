using SegmentMiner.Core.Models;

namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// One attribute's values for every case of a case view: a discrete one as its states exactly as the view holds
/// them ("Missing" for null), a continuous one as numbers (NaN for null).
/// </summary>
public sealed class CaseColumn(StructureColumn column, bool continuous)
{
    public StructureColumn Column { get; } = column;

    public string Name => Column.Name;

    public bool Continuous { get; } = continuous;

    public AttributeWords Words { get; } = AttributeWords.For(column);

    public List<string> States { get; } = [];

    public List<double> Values { get; } = [];

    public void Add(object? value)
    {
        if (Continuous)
        {
            Values.Add(value is null or DBNull ? double.NaN : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            States.Add(value is null or DBNull ? "Missing" : StateText(value));
        }
    }

    /// <summary>A state as the mining engine names it (booleans "True"/"False", numbers in invariant culture).</summary>
    public static string StateText(object value) => value switch
    {
        string s => s,
        bool b => b ? "True" : "False",
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
