using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SegmentMiner.Core;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The DMX subset the client emits: content queries, <c>$system</c> rowsets, the clustering viewer procedures,
/// prediction joins over OPENQUERY, INSERT INTO ... OPENQUERY (processing), DELETE FROM and DROP. OPENQUERY reads only
/// the case views of deployed structures, through a data source that exists.
/// </summary>
public sealed partial class XmlaService
{
    private const RegexOptions Dmx = RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant;




    [GeneratedRegex(@"^CALL\s+(?:System\s*\.\s*(?:Microsoft\.AnalysisServices\.System\.DataMining\.Clustering\s*\.\s*)?)?(?<p>\w+)\s*\((?<a>.*)\)\s*;?\s*$", Dmx)]
    private static partial Regex Call();





    [GeneratedRegex(@"^INSERT\s+INTO\s+(?:MINING\s+STRUCTURE\s+)?\[(?<s>[^\]]+)\]\s*(?:\((?<cols>[^)]*)\))?\s*OPENQUERY\s*\(\s*\[(?<ds>[^\]]+)\]\s*,\s*'(?<q>(?:[^']|'')*)'\s*\)\s*;?\s*$", Dmx)]
    private static partial Regex InsertInto();

    [GeneratedRegex(@"^(?<verb>DROP|DELETE\s+FROM)\s+MINING\s+(?<kind>STRUCTURE|MODEL)\s+\[(?<s>[^\]]+)\]\s*;?\s*$", Dmx)]
    private static partial Regex DropOrClear();

    [GeneratedRegex(@"^SELECT\s+(?<cols>.+?)\s+FROM\s+(?<schema>\[[^\]]+\]|""[^""]+""|\w+)\s*\.\s*(?<view>\[[^\]]+\]|""[^""]+""|\w+)(?:\s+WHERE\s+(?<wcol>\[[^\]]+\]|""[^""]+""|\w+)\s*=\s*N?'(?<wval>(?:[^']|'')*)')?(?:\s+ORDER\s+BY\s+(?<order>\[[^\]]+\]|""[^""]+""|\w+))?\s*;?\s*$", Dmx)]
    private static partial Regex SourceQuery();





    private async Task<XElement> StatementAsync(string statement, Context context)
    {
        var text = statement.Trim();
        if (text.Length == 0)
        {
            return Empty(); // BeginSession / EndSession carry an empty statement
        }

        Match m;
        if ((m = Call().Match(text)).Success)
        {
            return CallProcedure(m.Groups["p"].Value, Arguments(m.Groups["a"].Value), context);
        }

        if ((m = InsertInto().Match(text)).Success)
        {
            var (database, structure, model) = FindModel(m.Groups["s"].Value, context);
            RequireDataSource(database, m.Groups["ds"].Value);
            var (schema, view, _, _) = ParseSourceQuery(m.Groups["q"].Value.Replace("''", "'", StringComparison.Ordinal));
            if (!EndpointCatalog.Same($"{schema}.{view}", model.CaseView))
            {
                throw new XmlaFault(XmlaFault.Query, $"INSERT INTO [{EndpointCatalog.Name(structure)}] must read its case view {model.CaseView}, not {schema}.{view}.");
            }

            return await ProcessStatementAsync(database, structure, "ProcessFull", context);
        }

        if ((m = DropOrClear().Match(text)).Success)
        {
            var (database, structure, _) = FindModel(m.Groups["s"].Value, context);
            var verb = m.Groups["verb"].Value.StartsWith("DROP", StringComparison.OrdinalIgnoreCase);
            var command = verb
                ? new XElement(Ns.Engine + "Delete", new XElement(Ns.Engine + "Object", new XElement(Ns.Engine + "DatabaseID", EndpointCatalog.Id(database)), new XElement(Ns.Engine + "MiningStructureID", EndpointCatalog.Id(structure))))
                : ProcessCommand(database, structure, "ProcessClear");
            return await ExecuteAsync(new XElement(Ns.Xmla + "Command", command), context);
        }

        return await UnmatchedAsync(text, context);
    }

    private static XElement ProcessCommand(XElement database, XElement structure, string type) =>
        new(Ns.Engine + "Process", new XElement(Ns.Engine + "Type", type),
            new XElement(Ns.Engine + "Object", new XElement(Ns.Engine + "DatabaseID", EndpointCatalog.Id(database)), new XElement(Ns.Engine + "MiningStructureID", EndpointCatalog.Id(structure))));

    private Task<XElement> ProcessStatementAsync(XElement database, XElement structure, string type, Context context) =>
        ExecuteAsync(new XElement(Ns.Xmla + "Command", ProcessCommand(database, structure, type)), context);

    /// <summary>A model by its name or its structure's name, in the current catalog (or any, when none is chosen).</summary>
    private (XElement Database, XElement Structure, ModelDefinition Model) FindModel(string name, Context context)
    {
        var found = Structures(context, new Dictionary<string, List<string>>(), "")
            .Where(x => EndpointCatalog.Same(x.Model.Name, name) || EndpointCatalog.Same(EndpointCatalog.Name(x.Structure), name)).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new XmlaFault(XmlaFault.Query, $"Either the user does not have permission to access the '{name}' mining model or structure, or it does not exist."),
            _ => throw new XmlaFault(XmlaFault.Query, $"The name '{name}' is ambiguous: it names objects in more than one database; set the Catalog property."),
        };
    }

    private static void RequireDataSource(XElement database, string dataSource)
    {
        if (EndpointCatalog.Child(database, "DataSources", "DataSource", dataSource) is null)
        {
            throw new XmlaFault(XmlaFault.Query, $"The data source '{dataSource}' does not exist in the '{EndpointCatalog.Name(database)}' database.");
        }
    }

    /// <summary>Splits procedure arguments: quoted strings (quotes doubled inside), numbers, true/false.</summary>
    private static List<string> Arguments(string text)
    {
        var args = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ','))
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            if (text[i] == '\'')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new XmlaFault(XmlaFault.Query, "Query (1, 1) Parser: a string argument is not closed.");
                    }

                    if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        sb.Append('\'');
                        i += 2;
                    }
                    else if (text[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        sb.Append(text[i++]);
                    }
                }

                args.Add(sb.ToString());
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }

                args.Add(text[start..i].Trim());
            }
        }

        return args;
    }

    private XElement CallProcedure(string procedure, List<string> args, Context context)
    {
        string Arg(int i, string name) => i < args.Count ? args[i] : throw new XmlaFault(XmlaFault.Query, $"{procedure}: the argument '{name}' is missing.");
        double Threshold(int i) => i < args.Count && double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : 0.0005;
        var (_, _, model) = FindModel(Arg(0, "model name"), context);
        var trained = TrainedOrFault(model.Name);

        try
        {
            switch (procedure.ToUpperInvariant())
            {
                case "GETCLUSTERCHARACTERISTICS":
                {
                    var node = args.Count > 1 ? args[1] : "";
                    var nodes = node.Length == 0 ? Enumerable.Range(0, trained.ClusterCount).Select(Mining.ClusteringModel.NodeName).ToList() : [node];
                    var rows = nodes.SelectMany(n => trained.Characteristics(n, Threshold(2))).Select(r => new object?[] { r.Attributes, r.Values, r.Frequency, r.Support });
                    return RowsetWriter.Write([S("Attributes"), S("Values"), D("Frequency"), D("Support")], rows);
                }

                case "GETCLUSTERDISCRIMINATION":
                {
                    var other = args.Count > 2 && args[2].Length > 0 ? args[2] : null;
                    var rows = trained.Discrimination(Arg(1, "node id 1"), other, Threshold(3)).Select(r => new object?[] { r.Attributes, r.Values, r.Score });
                    return RowsetWriter.Write([S("Attributes"), S("Values"), D("Score")], rows);
                }

                case "GETCLUSTERPROFILES":
                {
                    // The server-side columns are undocumented; these are SegmentMiner's (README).
                    var cluster = args.Count > 1 && args[1].Length > 0 ? args[1] : null; // a node id ('002') or caption picks one cluster
                    var rows = trained.Profiles().Where(r => cluster is null || EndpointCatalog.Same(r.NodeUniqueName, cluster) || EndpointCatalog.Same(r.NodeCaption, cluster)).Select(r => new object?[] { r.NodeUniqueName, r.NodeCaption, r.Attributes, r.Values, r.Probability, r.Support, r.Mean, r.StdDev });
                    return RowsetWriter.Write([S("NodeUniqueName"), S("NodeCaption"), S("Attributes"), S("Values"), D("Probability"), D("Support"), D("Mean"), D("StdDev")], rows);
                }

                case "GETMODELATTRIBUTES":
                {
                    // System.GetModelAttributes: the attributes the trained model uses (SegmentMiner's columns; README).
                    var rows = trained.Attributes.Attributes.Select(a => new object?[]
                    {
                        a.Name, a.IsInput ? "Input" : "Predict", a.ExistenceOnly ? "EXISTENCE" : a.IsContinuous ? "CONTINUOUS" : a.Cuts.Length > 0 ? "DISCRETIZED" : "DISCRETE", Math.Max(a.States.Length - 1, 0),
                    });
                    return RowsetWriter.Write([S("ATTRIBUTE_NAME"), S("USAGE"), S("CONTENT_TYPE"), I("STATES")], rows);
                }

                case "GETCLUSTERS":
                {
                    var rows = trained.Content().Where(n => n.NodeType == 5).Select(n => new object?[] { n.NodeUniqueName, n.NodeCaption, n.NodeSupport, n.NodeProbability, n.NodeDescription });
                    return RowsetWriter.Write([S("NodeUniqueName"), S("NodeCaption"), D("Support"), D("Probability"), S("Description")], rows);
                }

                default:
                    throw new XmlaFault(XmlaFault.Query, $"The '{procedure}' procedure does not exist; this server offers GetClusterCharacteristics, GetClusterDiscrimination, GetClusterProfiles, GetClusters and GetModelAttributes.");
            }
        }
        catch (SegmentMinerException e)
        {
            throw new XmlaFault(XmlaFault.Query, $"{procedure}: {e.Message}");
        }
    }

    /// <summary>
    /// OPENQUERY's SQL: a plain column list from one view, which must be a case view of a deployed structure, with at
    /// most one condition "column = 'text'" (a partition's rows: one product's contacts).
    /// </summary>
    private (string Schema, string View, List<string> Columns, ColumnValue? Where) ParseSourceQuery(string query)
    {
        var m = SourceQuery().Match(query.Trim());
        static string Unquote(string s) => s.Trim('[', ']', '"');
        if (!m.Success)
        {
            throw new XmlaFault(XmlaFault.Query, "OPENQUERY: only 'SELECT column, ... FROM schema.view' over a case view is allowed on this server.");
        }

        var columns = m.Groups["cols"].Value.Split(',').Select(c => Unquote(c.Trim())).ToList();
        var (schema, view) = (Unquote(m.Groups["schema"].Value), Unquote(m.Groups["view"].Value));
        var where = m.Groups["wcol"].Success ? new ColumnValue(Unquote(m.Groups["wcol"].Value), m.Groups["wval"].Value.Replace("''", "'", StringComparison.Ordinal)) : null;
        if (!columns.All(Identifiers.IsValid) || !Identifiers.IsValid(schema) || !Identifiers.IsValid(view) || (where is not null && !Identifiers.IsValid(where.Column)))
        {
            throw new XmlaFault(XmlaFault.Query, "OPENQUERY: column and view names must be plain identifiers.");
        }

        var allowed = _catalog.Databases.SelectMany(d => EndpointCatalog.Children(d, "MiningStructures", "MiningStructure").Select(s => Definition(d, s)))
            .SelectMany(d => d.Columns.Where(c => c.View is not null).Select(c => c.View!).Append(d.CaseView));
        if (!allowed.Any(v => EndpointCatalog.Same(v, $"{schema}.{view}")))
        {
            throw new XmlaFault(XmlaFault.Query, $"OPENQUERY: '{schema}.{view}' is not the case view of a deployed mining structure; this server reads only those.");
        }

        return (schema, view, columns, where);
    }
}
