using System.Globalization;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Xmla;

/// <summary>The DMX the client sends. Names are bracket-quoted; string literals have their quotes doubled.</summary>
public static class Dmx
{
    public const string ClusteringProcedures = "System.Microsoft.AnalysisServices.System.DataMining.Clustering.";

    public static string Name(string name) => Identifiers.QuoteBracket(name);

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    public static string Content(ModelDefinition m) => $"SELECT * FROM {Name(m.Name)}.CONTENT";

    public static string Characteristics(ModelDefinition m, string node, double threshold) =>
        $"CALL {ClusteringProcedures}GetClusterCharacteristics({Literal(m.Name)}, {Literal(node)}, {Number(threshold)})";

    public static string Discrimination(ModelDefinition m, string node1, string? node2, double threshold) =>
        $"CALL {ClusteringProcedures}GetClusterDiscrimination({Literal(m.Name)}, {Literal(node1)}, {Literal(node2 ?? "")}, {Number(threshold)}, true)";

    /// <summary>The relational query OPENQUERY runs on the warehouse (T-SQL, as SQL Server reads it).</summary>
    public static string CaseQuery(ModelDefinition m) =>
        "SELECT " + string.Join(", ", m.Columns.Where(c => c.Content != ContentType.Table).Select(c => Identifiers.QuoteBracket(c.SourceColumn))) +
        $" FROM {Identifiers.QuoteBracket(m.CaseViewSchema)}.{Identifiers.QuoteBracket(m.CaseViewName)}";

    /// <summary>
    /// Membership of every case of the case view: a prediction join over OPENQUERY on the model's data source, bound
    /// column by column (the key is carried through from the source).
    /// </summary>
    public static string Membership(ModelDefinition m)
    {
        if (m.Columns.Any(c => c.Content == ContentType.Table))
        {
            throw new SegmentMinerException($"{m.Name}: predicting a model with a nested table through XMLA (SHAPE over OPENQUERY) is not supported; use the embedded engine for this model");
        }

        var model = Name(m.Name);
        var on = string.Join(" AND ", m.Columns.Where(c => c.Content != ContentType.Key && m.UsageOf(c) is ColumnUsage.Input or ColumnUsage.Predict)
            .Select(c => $"{model}.{Name(c.Name)} = t.{Name(c.SourceColumn)}"));
        return $"SELECT FLATTENED t.{Name(m.Key.SourceColumn)} AS [CaseKey], Cluster() AS [Cluster], ClusterProbability() AS [ClusterProbability] " +
               $"FROM {model} PREDICTION JOIN OPENQUERY({Name(m.DataSource)}, {Literal(CaseQuery(m))}) AS t ON {on}";
    }
}
