using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace SegmentMiner.Xmla;

/// <summary>A rowset column: its decoded name, XSD type (null when untyped) and, for a nested table, its columns.</summary>
public sealed record RowsetColumn(string Name, string? Type = "xsd:string", IReadOnlyList<RowsetColumn>? Nested = null)
{
    public bool IsNested => Nested is not null;
}

/// <summary>A row: scalar values by column name (null for an absent or nil element) and nested tables.</summary>
public sealed class RowsetRow
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RowsetRow>> _tables = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, object?> Values => _values;

    public object? this[string column] => _values.GetValueOrDefault(column);

    public IReadOnlyList<RowsetRow> Table(string column) => _tables.TryGetValue(column, out var t) ? t : [];

    public bool Has(string column) => _values.ContainsKey(column) && _values[column] is not null;

    public string? String(string column) => this[column] switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var o => o.ToString(),
    };

    public double Double(string column) => this[column] switch
    {
        null => throw new InvalidDataException($"column {column} is null"),
        double d => d,
        string s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        var o => Convert.ToDouble(o, CultureInfo.InvariantCulture),
    };

    public long Long(string column) => this[column] switch
    {
        null => throw new InvalidDataException($"column {column} is null"),
        long l => l,
        string s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture),
        var o => Convert.ToInt64(o, CultureInfo.InvariantCulture),
    };

    internal void Set(string column, object? value) => _values[column] = value;

    internal void AddNested(string column, RowsetRow row)
    {
        if (!_tables.TryGetValue(column, out var list))
        {
            _tables[column] = list = [];
        }

        list.Add(row);
    }
}

/// <summary>A tabular result (Discover, a DMX SELECT, a CALL).</summary>
public sealed record Rowset(IReadOnlyList<RowsetColumn> Columns, IReadOnlyList<RowsetRow> Rows, bool HadSchema);

/// <summary>
/// Reads a rowset <c>root</c>: typed by its inline XSD when there is one (column names from <c>sql:field</c>, nested
/// tables from repeated elements with an inline complex type), untyped (strings) when not. Element names are
/// decoded (<c>_x0020_</c>); an absent or <c>xsi:nil</c> element is null, an empty one an empty string.
/// </summary>
public static class RowsetReader
{
    public static Rowset Read(XElement root)
    {
        var schema = root.Element(Ns.Xsd + "schema");
        var columns = schema is null ? [] : SchemaColumns(schema);
        var byElement = columns.GroupBy(c => XmlConvert.EncodeLocalName(c.Name), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var rows = new List<RowsetRow>();
        foreach (var row in root.Elements().Where(e => e.Name.LocalName == "row"))
        {
            rows.Add(ReadRow(row, byElement, schema is not null));
        }

        if (schema is null)
        {
            columns = InferColumns(root);
        }

        return new Rowset(columns, rows, schema is not null);
    }

    private static RowsetRow ReadRow(XElement row, Dictionary<string, RowsetColumn> columns, bool typed)
    {
        var result = new RowsetRow();
        foreach (var c in columns.Values.Where(c => !c.IsNested))
        {
            result.Set(c.Name, null);
        }

        foreach (var e in row.Elements())
        {
            columns.TryGetValue(e.Name.LocalName, out var column);
            var name = column?.Name ?? XmlConvert.DecodeName(e.Name.LocalName);
            var nested = column?.IsNested ?? (!typed && e.HasElements && e.Elements().All(x => x.Name.Namespace == e.Name.Namespace));
            if (nested)
            {
                var inner = (column?.Nested ?? []).GroupBy(c => XmlConvert.EncodeLocalName(c.Name), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                result.AddNested(name, ReadRow(e, inner, typed));
            }
            else
            {
                result.Set(name, Value(e, column?.Type));
            }
        }

        return result;
    }

    /// <summary>A value by its <c>xsi:type</c>, else the schema type, else as text.</summary>
    public static object? Value(XElement e, string? schemaType)
    {
        if ((string?)e.Attribute(Ns.Xsi + "nil") == "true")
        {
            return null;
        }

        var type = (string?)e.Attribute(Ns.Xsi + "type") ?? schemaType;
        var local = type?.Split(':')[^1];
        if (local == "xmlDocument" || e.HasElements)
        {
            return e.Elements().FirstOrDefault();
        }

        var text = e.Value;
        if (text.Length == 0 && local is not (null or "string"))
        {
            return null;
        }

        try
        {
            return local switch
            {
                "boolean" => text is "true" or "1",
                "int" or "short" or "unsignedShort" or "byte" or "unsignedByte" => (object)int.Parse(text, CultureInfo.InvariantCulture),
                "long" or "unsignedInt" or "unsignedLong" or "integer" => long.Parse(text, CultureInfo.InvariantCulture),
                "double" or "float" or "decimal" => text switch
                {
                    "INF" => double.PositiveInfinity,
                    "-INF" => double.NegativeInfinity,
                    "NaN" => double.NaN,
                    _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                },
                "dateTime" => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                _ => text,
            };
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"rowset value '{Snippet(text)}' of {XmlConvert.DecodeName(e.Name.LocalName)} is not a valid {type}");
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"rowset value '{Snippet(text)}' of {XmlConvert.DecodeName(e.Name.LocalName)} is out of range for {type}");
        }
    }

    private static string Snippet(string s) => s.Length <= 60 ? s : s[..60] + "...";

    private static List<RowsetColumn> SchemaColumns(XElement schema)
    {
        var rowType = schema.Elements(Ns.Xsd + "complexType").FirstOrDefault(t => (string?)t.Attribute("name") == "row")
            ?? throw new InvalidDataException("the rowset schema has no complexType named 'row'");
        return Columns(rowType);
    }

    private static List<RowsetColumn> Columns(XElement complexType)
    {
        var sequence = complexType.Element(Ns.Xsd + "sequence") ?? complexType.Element(Ns.Xsd + "all");
        if (sequence is null)
        {
            return [];
        }

        return sequence.Elements(Ns.Xsd + "element").Select(e =>
        {
            var name = (string?)e.Attribute(Ns.Sql + "field") ?? XmlConvert.DecodeName((string?)e.Attribute("name") ?? "");
            var inner = e.Element(Ns.Xsd + "complexType");
            return inner is not null && (string?)e.Attribute("maxOccurs") == "unbounded"
                ? new RowsetColumn(name, null, Columns(inner))
                : new RowsetColumn(name, (string?)e.Attribute("type"));
        }).ToList();
    }

    private static List<RowsetColumn> InferColumns(XElement root)
    {
        var names = new List<RowsetColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in root.Elements().Where(e => e.Name.LocalName == "row").SelectMany(r => r.Elements()))
        {
            var name = XmlConvert.DecodeName(e.Name.LocalName);
            if (seen.Add(name))
            {
                names.Add(new RowsetColumn(name, null));
            }
        }

        return names;
    }
}

/// <summary>Writes a rowset <c>root</c> with its inline schema, as Analysis Services does (nulls omitted).</summary>
public static class RowsetWriter
{
    public static XElement Write(IReadOnlyList<RowsetColumn> columns, IEnumerable<object?[]> rows)
    {
        var root = new XElement(Ns.Rowset + "root",
            new XAttribute(XNamespace.Xmlns + "xsd", Ns.Xsd.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "xsi", Ns.Xsi.NamespaceName),
            Schema(columns));
        foreach (var r in rows)
        {
            root.Add(Row(Ns.Rowset + "row", columns, r));
        }

        return root;
    }

    private static XElement Row(XName name, IReadOnlyList<RowsetColumn> columns, object?[] values)
    {
        var row = new XElement(name);
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var element = Ns.Rowset + XmlConvert.EncodeLocalName(c.Name);
            if (c.IsNested)
            {
                foreach (var nested in (IEnumerable<object?[]>?)values[i] ?? [])
                {
                    row.Add(Row(element, c.Nested!, nested));
                }
            }
            else if (values[i] is not null)
            {
                row.Add(Cell(element, c, values[i]!));
            }
        }

        return row;
    }

    private static XElement Cell(XName name, RowsetColumn column, object value)
    {
        var text = value switch
        {
            XElement x => null,
            bool b => b ? "true" : "false",
            double d => Double(d),
            float f => Double(f),
            DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        var cell = value is XElement xml ? new XElement(name, xml) : new XElement(name, text);
        if (column.Type is null && value is not XElement)
        {
            cell.Add(new XAttribute(Ns.Xsi + "type", value switch
            {
                double or float => "xsd:double",
                int or long or short => "xsd:long",
                bool => "xsd:boolean",
                _ => "xsd:string",
            }));
        }

        return cell;
    }

    private static string Double(double d) =>
        double.IsPositiveInfinity(d) ? "INF" : double.IsNegativeInfinity(d) ? "-INF" : double.IsNaN(d) ? "NaN" : d.ToString("R", CultureInfo.InvariantCulture);

    private static XElement Schema(IReadOnlyList<RowsetColumn> columns) =>
        new(Ns.Xsd + "schema",
            new XAttribute("targetNamespace", Ns.Rowset.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "sql", Ns.Sql.NamespaceName),
            new XAttribute("elementFormDefault", "qualified"),
            new XElement(Ns.Xsd + "element", new XAttribute("name", "root"),
                new XElement(Ns.Xsd + "complexType",
                    new XElement(Ns.Xsd + "sequence", new XAttribute("minOccurs", 0), new XAttribute("maxOccurs", "unbounded"),
                        new XElement(Ns.Xsd + "element", new XAttribute("name", "row"), new XAttribute("type", "row"))))),
            new XElement(Ns.Xsd + "simpleType", new XAttribute("name", "uuid"),
                new XElement(Ns.Xsd + "restriction", new XAttribute("base", "xsd:string"),
                    new XElement(Ns.Xsd + "pattern", new XAttribute("value", "[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}")))),
            new XElement(Ns.Xsd + "complexType", new XAttribute("name", "xmlDocument"),
                new XElement(Ns.Xsd + "sequence", new XElement(Ns.Xsd + "any"))),
            new XElement(Ns.Xsd + "complexType", new XAttribute("name", "row"), Sequence(columns)));

    private static XElement Sequence(IReadOnlyList<RowsetColumn> columns) =>
        new(Ns.Xsd + "sequence", columns.Select(c =>
        {
            var e = new XElement(Ns.Xsd + "element",
                new XAttribute(Ns.Sql + "field", c.Name),
                new XAttribute("name", XmlConvert.EncodeLocalName(c.Name)),
                new XAttribute("minOccurs", 0));
            if (c.IsNested)
            {
                e.Add(new XAttribute("maxOccurs", "unbounded"), new XElement(Ns.Xsd + "complexType", Sequence(c.Nested!)));
            }
            else if (c.Type is not null)
            {
                e.Add(new XAttribute("type", c.Type));
            }

            return e;
        }));
}
