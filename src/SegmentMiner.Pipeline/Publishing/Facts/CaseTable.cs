using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// The case view of a model as publish reads it: the key and every modelled attribute (inputs and predicted ones;
/// nested tables and ignored columns are left out), one row per case.
/// </summary>
public sealed class CaseTable
{
    public List<string> Keys { get; } = [];

    public IReadOnlyList<CaseColumn> Columns { get; }

    private CaseTable(IReadOnlyList<CaseColumn> columns) => Columns = columns;

    public int Count => Keys.Count;

    /// <summary>The model's attributes that publish describes, in definition order.</summary>
    public static IReadOnlyList<StructureColumn> Described(ModelDefinition model) =>
        model.Columns.Where(c => c.Content is ContentType.Discrete or ContentType.Continuous or ContentType.Discretized && model.UsageOf(c) != ColumnUsage.Ignore).ToList();

    /// <summary>Continuous columns, and discretized ones over numbers: described by bins of their values.</summary>
    public static bool IsNumeric(StructureColumn c) => c.Content == ContentType.Continuous || (c.Content == ContentType.Discretized && c.Type != MiningDataType.Text);

    /// <summary>Reads rows of (key, then each <see cref="Described"/> column's value).</summary>
    public static async Task<CaseTable> ReadAsync(ModelDefinition model, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var table = new CaseTable(Described(model).Select(c => new CaseColumn(c, IsNumeric(c))).ToList());
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            table.Keys.Add(CaseColumn.StateText(row[0]!));
            for (var i = 0; i < table.Columns.Count; i++)
            {
                table.Columns[i].Add(row[i + 1]);
            }
        }

        return table;
    }
}
