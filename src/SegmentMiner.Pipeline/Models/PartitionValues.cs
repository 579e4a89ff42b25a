using System.Data.Common;
using SegmentMiner.Core;
using SegmentMiner.Core.Models;
using SegmentMiner.Warehouse.Reading;

namespace SegmentMiner.Pipeline.Models;

/// <summary>
/// The values a partitioned definition is split by: the distinct non-empty values of its partition column in its case
/// view, read when the catalog is asked for (so a new product gets its model at the next processing). None while the
/// warehouse or the view does not exist yet.
/// </summary>
public static class PartitionValues
{
    public static IReadOnlyList<string> Read(IWarehouseReader warehouse, ModelDefinition model)
    {
        if (model.PartitionBy is null || !warehouse.Exists)
        {
            return [];
        }

        var column = Identifiers.QuoteAnsi(model.PartitionBy);
        var sql = $"SELECT DISTINCT {column} FROM {Identifiers.QuoteAnsi(model.CaseViewSchema)}.{Identifiers.QuoteAnsi(model.CaseViewName)} WHERE {column} IS NOT NULL";
        try
        {
            var values = new List<string>();
            using var reader = warehouse.ExecuteReader(sql);
            while (reader.Read())
            {
                var text = Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                if (!string.IsNullOrWhiteSpace(text))
                {
                    values.Add(text);
                }
            }

            return values;
        }
        catch (DbException)
        {
            return []; // the warehouse predates the view: the layer is skipped until a sync creates it
        }
    }
}
