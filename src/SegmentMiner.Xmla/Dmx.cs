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

    public static string Literal(string text) => Identifiers.QuoteString(text);

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    public static string Content(ModelDefinition m) => $"SELECT * FROM {Name(m.Name)}.CONTENT";

    public static string Characteristics(ModelDefinition m, string node, double threshold) =>
        $"CALL {ClusteringProcedures}GetClusterCharacteristics({Literal(m.Name)}, {Literal(node)}, {Number(threshold)})";

    public static string Discrimination(ModelDefinition m, string node1, string? node2, double threshold) =>
        $"CALL {ClusteringProcedures}GetClusterDiscrimination({Literal(m.Name)}, {Literal(node1)}, {Literal(node2 ?? "")}, {Number(threshold)}, true)";

    /// <summary>The relational query OPENQUERY runs on the warehouse (T-SQL, as SQL Server reads it).</summary>
    public static string CaseQuery(ModelDefinition m) =>
        "SELECT " + string.Join(", ", m.Columns.Where(c => c.Content != ContentType.Table).Select(c => Identifiers.QuoteBracket(c.SourceColumn))) +
        $" FROM {Identifiers.QuoteBracket(m.CaseViewSchema)}.{Identifiers.QuoteBracket(m.CaseViewName)}{m.CaseFilter(Identifiers.QuoteBracket, unicode: true)}";

    /// <summary>The relational query of a nested table's rows: the case key and the item, ordered by the key (SHAPE relates sorted rowsets).</summary>
    public static string NestedQuery(StructureColumn table) =>
        $"SELECT {Identifiers.QuoteBracket(table.ForeignKey!)}, {Identifiers.QuoteBracket(table.Columns[0].SourceColumn)} " +
        $"FROM {string.Join(".", table.View!.Split('.').Select(Identifiers.QuoteBracket))} ORDER BY {Identifiers.QuoteBracket(table.ForeignKey!)}";

    /// <summary>
    /// Membership of every case of the case view: a prediction join over OPENQUERY on the model's data source, bound
    /// column by column (the key is carried through from the source). A model with nested tables reads them with
    /// SHAPE: the case rowset, ordered by key, with each nested rowset appended and related on the key.
    /// </summary>
    public static string Membership(ModelDefinition m)
    {
        var model = Name(m.Name);
        var ds = Name(m.DataSource);
        var tables = m.Columns.Where(c => c.Content == ContentType.Table).ToList();
        var on = m.Columns.Where(c => c.Content is not ContentType.Key and not ContentType.Table && m.UsageOf(c) is ColumnUsage.Input or ColumnUsage.Predict)
            .Select(c => $"{model}.{Name(c.Name)} = t.{Name(c.SourceColumn)}")
            .Concat(tables.Where(t => m.UsageOf(t) is ColumnUsage.Input or ColumnUsage.Predict)
                .Select(t => $"{model}.{Name(t.Name)}.{Name(t.Columns[0].Name)} = t.{Name(t.Name)}.{Name(t.Columns[0].SourceColumn)}"));
        var source = tables.Count == 0
            ? $"OPENQUERY({ds}, {Literal(CaseQuery(m))})"
            : $"SHAPE {{ OPENQUERY({ds}, {Literal(CaseQuery(m) + " ORDER BY " + Identifiers.QuoteBracket(m.Key.SourceColumn))}) }} APPEND " +
              string.Join(", ", tables.Select(t => $"({{ OPENQUERY({ds}, {Literal(NestedQuery(t))}) }} RELATE {Name(m.Key.SourceColumn)} TO {Name(t.ForeignKey!)}) AS {Name(t.Name)}"));
        return $"SELECT FLATTENED t.{Name(m.Key.SourceColumn)} AS [CaseKey], Cluster() AS [Cluster], ClusterProbability() AS [ClusterProbability] " +
               $"FROM {model} PREDICTION JOIN {source} AS t ON {string.Join(" AND ", on)}";
    }
}
