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


    [GeneratedRegex(@"^SELECT\s+(?<flat>FLATTENED\s+)?(?<list>.+?)\s+FROM\s+\[(?<m>[^\]]+)\]\s+(?<natural>NATURAL\s+)?PREDICTION\s+JOIN\s+SHAPE\s*\{\s*OPENQUERY\s*\(\s*\[(?<ds>[^\]]+)\]\s*,\s*'(?<q>(?:[^']|'')*)'\s*\)\s*\}\s*APPEND\s*(?<nested>\(.+\)\s+AS\s+\[[^\]]+\])\s+AS\s+(?<t>\w+)(?:\s+ON\s+(?<on>.+?))?\s*;?\s*$", Dmx)]
    private static partial Regex ShapedPredictionJoin();

    [GeneratedRegex(@"\G\s*,?\s*\(\s*\{\s*OPENQUERY\s*\(\s*\[(?<ds>[^\]]+)\]\s*,\s*'(?<q>(?:[^']|'')*)'\s*\)\s*\}\s*RELATE\s+(?:\[(?<pk>[^\]]+)\]|(?<pk>\w+))\s+TO\s+(?:\[(?<fk>[^\]]+)\]|(?<fk>\w+))\s*\)\s+AS\s+\[(?<name>[^\]]+)\]", Dmx)]
    private static partial Regex AppendedTable();

    [GeneratedRegex(@"^(?:\[(?<m>[^\]]+)\]\s*\.\s*)?\[(?<n>[^\]]+)\]\s*\.\s*\[(?<c>[^\]]+)\]\s*=\s*(?<t>\w+)\s*\.\s*(?:\[(?<tn>[^\]]+)\]|(?<tn>\w+))\s*\.\s*(?:\[(?<s>[^\]]+)\]|(?<s>\w+))$", Dmx)]
    private static partial Regex NestedBinding();

    [GeneratedRegex(@"^INSERT\s+INTO\s+(?:MINING\s+STRUCTURE\s+)?\[(?<s>[^\]]+)\]\s*(?:\((?<cols>[^)]*)\))?\s*OPENQUERY\s*\(\s*\[(?<ds>[^\]]+)\]\s*,\s*'(?<q>(?:[^']|'')*)'\s*\)\s*;?\s*$", Dmx)]
    private static partial Regex InsertInto();

    [GeneratedRegex(@"^(?<verb>DROP|DELETE\s+FROM)\s+MINING\s+(?<kind>STRUCTURE|MODEL)\s+\[(?<s>[^\]]+)\]\s*;?\s*$", Dmx)]
    private static partial Regex DropOrClear();

    [GeneratedRegex(@"^SELECT\s+(?<cols>.+?)\s+FROM\s+(?<schema>\[[^\]]+\]|""[^""]+""|\w+)\s*\.\s*(?<view>\[[^\]]+\]|""[^""]+""|\w+)(?:\s+ORDER\s+BY\s+(?<order>\[[^\]]+\]|""[^""]+""|\w+))?\s*;?\s*$", Dmx)]
    private static partial Regex SourceQuery();

    [GeneratedRegex(@"^(?:\[(?<m>[^\]]+)\]\s*\.\s*)?\[(?<c>[^\]]+)\]\s*=\s*(?<t>\w+)\s*\.\s*(?:\[(?<s>[^\]]+)\]|(?<s>\w+))$", Dmx)]
    private static partial Regex Binding();

    [GeneratedRegex(@"^(?<e>.+?)(?:\s+AS\s+(?:\[(?<a>[^\]]+)\]|(?<a>\w+)))?$", Dmx)]
    private static partial Regex Aliased();

    [GeneratedRegex(@"^(?<t>\w+)\s*\.\s*(?:\[(?<c>[^\]]+)\]|(?<c>\w+))$", Dmx)]
    private static partial Regex SourceColumn();

    [GeneratedRegex(@"^(?<f>Cluster|ClusterProbability|ClusterDistance|PredictCaseLikelihood)\s*\(\s*(?<a>[^)]*)\)$", Dmx)]
    private static partial Regex Function();

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

        if ((m = ShapedPredictionJoin().Match(text)).Success)
        {
            var appended = new List<Match>();
            var nested = m.Groups["nested"].Value;
            for (var a = AppendedTable().Match(nested); a.Success; a = AppendedTable().Match(nested, a.Index + a.Length))
            {
                appended.Add(a);
                if (a.Index + a.Length == nested.Length)
                {
                    return Predict(m, appended, context);
                }
            }

            throw new XmlaFault(XmlaFault.Query, "Query: SHAPE { OPENQUERY(...) } APPEND must be followed by ({ OPENQUERY(...) } RELATE key TO foreign key) AS [table], ... only.");
        }

        if ((m = InsertInto().Match(text)).Success)
        {
            var (database, structure, model) = FindModel(m.Groups["s"].Value, context);
            RequireDataSource(database, m.Groups["ds"].Value);
            var (schema, view, _) = ParseSourceQuery(m.Groups["q"].Value.Replace("''", "'", StringComparison.Ordinal));
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

    /// <summary>OPENQUERY's SQL: a plain column list from one view, which must be a case view of a deployed structure.</summary>
    private (string Schema, string View, List<string> Columns) ParseSourceQuery(string query)
    {
        var m = SourceQuery().Match(query.Trim());
        static string Unquote(string s) => s.Trim('[', ']', '"');
        if (!m.Success)
        {
            throw new XmlaFault(XmlaFault.Query, "OPENQUERY: only 'SELECT column, ... FROM schema.view' over a case view is allowed on this server.");
        }

        var columns = m.Groups["cols"].Value.Split(',').Select(c => Unquote(c.Trim())).ToList();
        var (schema, view) = (Unquote(m.Groups["schema"].Value), Unquote(m.Groups["view"].Value));
        if (!columns.All(Identifiers.IsValid) || !Identifiers.IsValid(schema) || !Identifiers.IsValid(view))
        {
            throw new XmlaFault(XmlaFault.Query, "OPENQUERY: column and view names must be plain identifiers.");
        }

        var allowed = _catalog.Databases.SelectMany(d => EndpointCatalog.Children(d, "MiningStructures", "MiningStructure").Select(s => Definition(d, s)))
            .SelectMany(d => d.Columns.Where(c => c.View is not null).Select(c => c.View!).Append(d.CaseView));
        if (!allowed.Any(v => EndpointCatalog.Same(v, $"{schema}.{view}")))
        {
            throw new XmlaFault(XmlaFault.Query, $"OPENQUERY: '{schema}.{view}' is not the case view of a deployed mining structure; this server reads only those.");
        }

        return (schema, view, columns);
    }

    /// <summary>
    /// A prediction join: the cases of OPENQUERY (or of SHAPE's first rowset, with each appended rowset grouped by
    /// its RELATE key into a nested table per case), bound to the model's columns by ON (or NATURAL by name).
    /// </summary>
    private XElement Predict(Match m, List<Match> appended, Context context)
    {
        var (database, _, model) = FindModel(m.Groups["m"].Value, context);
        RequireDataSource(database, m.Groups["ds"].Value);
        var (schema, view, sourceColumns) = ParseSourceQuery(m.Groups["q"].Value.Replace("''", "'", StringComparison.Ordinal));
        var alias = m.Groups["t"].Value;
        var trained = TrainedOrFault(model.Name);

        // Nested tables: name -> (the case column it relates on, the rows of its query by key text, its columns).
        var tables = new Dictionary<string, (int CaseColumn, Dictionary<string, List<object?[]>> Rows, List<string> Columns)>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in appended)
        {
            RequireDataSource(database, a.Groups["ds"].Value);
            var name = a.Groups["name"].Value;
            var table = model.Columns.FirstOrDefault(c => c.Content == ContentType.Table && EndpointCatalog.Same(c.Name, name))
                ?? throw new XmlaFault(XmlaFault.Query, $"Query: the mining model '{model.Name}' has no nested table '{name}'.");
            var (nestedSchema, nestedView, nestedColumns) = ParseSourceQuery(a.Groups["q"].Value.Replace("''", "'", StringComparison.Ordinal));
            var caseColumn = sourceColumns.FindIndex(c => EndpointCatalog.Same(c, a.Groups["pk"].Value));
            var foreignKey = nestedColumns.FindIndex(c => EndpointCatalog.Same(c, a.Groups["fk"].Value));
            if (caseColumn < 0 || foreignKey < 0)
            {
                throw new XmlaFault(XmlaFault.Query, $"Query: RELATE {a.Groups["pk"].Value} TO {a.Groups["fk"].Value}: the first must be a column of the case query, the second of the nested query of [{name}].");
            }

            var byKey = new Dictionary<string, List<object?[]>>(StringComparer.Ordinal);
            foreach (var row in _engine.ReadRows(nestedSchema, nestedView, nestedColumns, context.Cancellation))
            {
                var key = EmbeddedMiningServer.KeyText(row[foreignKey]);
                if (!byKey.TryGetValue(key, out var list))
                {
                    byKey[key] = list = [];
                }

                list.Add(row);
            }

            tables[table.Name] = (caseColumn, byKey, nestedColumns);
        }

        // Bindings: model column <- source column, and nested table -> its item's column in the nested query.
        var bindings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var nestedBindings = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (m.Groups["natural"].Success)
        {
            foreach (var c in model.Columns.Where(c => c.Content != ContentType.Table && sourceColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
            {
                bindings[c.Name] = c.Name;
            }

            foreach (var (name, t) in tables)
            {
                var item = model.Columns.First(c => EndpointCatalog.Same(c.Name, name)).Columns[0];
                var index = t.Columns.FindIndex(c => EndpointCatalog.Same(c, item.Name));
                if (index >= 0)
                {
                    nestedBindings[name] = index;
                }
            }
        }
        else if (m.Groups["on"].Success)
        {
            foreach (var term in Regex.Split(m.Groups["on"].Value, @"\s+AND\s+", Dmx))
            {
                var b = Binding().Match(term.Trim());
                if (b.Success && EndpointCatalog.Same(b.Groups["t"].Value, alias))
                {
                    bindings[b.Groups["c"].Value] = b.Groups["s"].Value;
                    continue;
                }

                var n = NestedBinding().Match(term.Trim());
                if (!n.Success || !EndpointCatalog.Same(n.Groups["t"].Value, alias) || !EndpointCatalog.Same(n.Groups["n"].Value, n.Groups["tn"].Value))
                {
                    throw new XmlaFault(XmlaFault.Query, $"Query: the ON term '{term.Trim()}' must bind [model].[column] = {alias}.[column] or [model].[table].[column] = {alias}.[table].[column].");
                }

                var name = n.Groups["n"].Value;
                var table = model.Columns.FirstOrDefault(c => c.Content == ContentType.Table && EndpointCatalog.Same(c.Name, name));
                if (table is null || !EndpointCatalog.Same(table.Columns[0].Name, n.Groups["c"].Value))
                {
                    throw new XmlaFault(XmlaFault.Query, $"Query: the mining model '{model.Name}' has no nested column '{name}.{n.Groups["c"].Value}'.");
                }

                if (!tables.TryGetValue(table.Name, out var t))
                {
                    throw new XmlaFault(XmlaFault.Query, $"Query: the nested table '{name}' is bound but not appended to the source with SHAPE ... APPEND.");
                }

                var index = t.Columns.FindIndex(c => EndpointCatalog.Same(c, n.Groups["s"].Value));
                if (index < 0)
                {
                    throw new XmlaFault(XmlaFault.Query, $"Query: the nested query of '{name}' has no column '{n.Groups["s"].Value}'.");
                }

                nestedBindings[table.Name] = index;
            }
        }

        foreach (var (column, source) in bindings)
        {
            if (!model.Columns.Any(c => c.Content != ContentType.Table && EndpointCatalog.Same(c.Name, column)))
            {
                throw new XmlaFault(XmlaFault.Query, $"Query: the mining model '{model.Name}' has no column '{column}'.");
            }

            if (!sourceColumns.Contains(source, StringComparer.OrdinalIgnoreCase))
            {
                throw new XmlaFault(XmlaFault.Query, $"Query: the source query has no column '{source}'.");
            }
        }

        var outputs = SplitTopLevel(m.Groups["list"].Value).Select(item => Output(item, alias, sourceColumns)).ToList();
        // Unnamed expressions share a name; later ones get a number, so every column has its own element.
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < outputs.Count; i++)
        {
            var name = outputs[i].Column.Name;
            for (var n = 1; !taken.Add(name); n++)
            {
                name = $"{outputs[i].Column.Name} {n}";
            }

            outputs[i] = outputs[i] with { Column = outputs[i].Column with { Name = name } };
        }

        var rows = _engine.ReadRows(schema, view, sourceColumns, context.Cancellation).Select(row =>
        {
            var values = bindings.ToDictionary(b => b.Key, b => row[sourceColumns.FindIndex(s => EndpointCatalog.Same(s, b.Value))], StringComparer.OrdinalIgnoreCase);
            foreach (var (name, index) in nestedBindings)
            {
                var t = tables[name];
                values[name] = t.Rows.TryGetValue(EmbeddedMiningServer.KeyText(row[t.CaseColumn]), out var items)
                    ? items.Select(r => r[index]).Where(v => v is not null).ToList()
                    : new List<object?>();
            }

            var p = trained.Predict(values);
            return outputs.Select(o => o.Value(row, p)).ToArray();
        });
        return RowsetWriter.Write(outputs.Select(o => o.Column).ToList(), rows.ToList());
    }

    private sealed record OutputColumn(RowsetColumn Column, Func<object?[], Core.Mining.ClusterPrediction, object?> Value);

    private static OutputColumn Output(string item, string alias, List<string> sourceColumns)
    {
        var a = Aliased().Match(item.Trim());
        var expression = a.Groups["e"].Value.Trim();
        var name = a.Groups["a"].Success ? a.Groups["a"].Value : null;
        var s = SourceColumn().Match(expression);
        if (s.Success && EndpointCatalog.Same(s.Groups["t"].Value, alias))
        {
            var index = sourceColumns.FindIndex(c => EndpointCatalog.Same(c, s.Groups["c"].Value));
            if (index < 0)
            {
                throw new XmlaFault(XmlaFault.Query, $"Query: the source query has no column '{s.Groups["c"].Value}'.");
            }

            return new OutputColumn(new RowsetColumn(name ?? s.Groups["c"].Value, null), (row, _) => row[index]);
        }

        var f = Function().Match(expression);
        if (!f.Success)
        {
            throw new XmlaFault(XmlaFault.Query, $"Query: '{expression}' is not supported here; use {alias}.[column], Cluster(), ClusterProbability(), ClusterDistance() or PredictCaseLikelihood().");
        }

        var arg = f.Groups["a"].Value.Trim().Trim('\'');
        return f.Groups["f"].Value.ToUpperInvariant() switch
        {
            "CLUSTER" => new OutputColumn(S(name ?? "$CLUSTER"), (_, p) => p.Cluster),
            "CLUSTERPROBABILITY" => new OutputColumn(D(name ?? "Expression"), (_, p) => arg.Length == 0 ? p.Probability : p.ProbabilityOf(arg)),
            "CLUSTERDISTANCE" => new OutputColumn(D(name ?? "Expression"), (_, p) => arg.Length == 0 ? p.Distance : p.DistanceOf(arg)),
            _ => new OutputColumn(D(name ?? "Expression"), (_, p) => arg.Equals("NONNORMALIZED", StringComparison.OrdinalIgnoreCase) ? p.CaseLikelihoodNonNormalized : p.CaseLikelihood),
        };
    }

    private static List<string> SplitTopLevel(string list)
    {
        var items = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < list.Length; i++)
        {
            var c = list[i];
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == ',')
            {
                items.Add(list[start..i]);
                start = i + 1;
            }
        }

        items.Add(list[start..]);
        return items.Where(x => x.Trim().Length > 0).ToList();
    }
}
