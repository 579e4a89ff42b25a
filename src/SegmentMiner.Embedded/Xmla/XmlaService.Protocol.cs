using System.Xml.Linq;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The Discover request types XMLA 1.1 requires of every provider beyond the schema rowsets: the data sources a
/// client can reach (a generic client's first call), the enumerations the protocol uses, DMX's keywords, and how
/// literals are written.
/// </summary>
public sealed partial class XmlaService
{
    private static readonly string[] MdSchemaRowsets =
    [
        "MDSCHEMA_ACTIONS", "MDSCHEMA_CUBES", "MDSCHEMA_DIMENSIONS", "MDSCHEMA_FUNCTIONS", "MDSCHEMA_HIERARCHIES", "MDSCHEMA_INPUT_DATASOURCES",
        "MDSCHEMA_KPIS", "MDSCHEMA_LEVELS", "MDSCHEMA_MEASUREGROUPS", "MDSCHEMA_MEASUREGROUP_DIMENSIONS", "MDSCHEMA_MEASURES", "MDSCHEMA_MEMBERS",
        "MDSCHEMA_PROPERTIES", "MDSCHEMA_SETS",
    ];

    private static readonly string[] Keywords =
    [
        "ALTER", "AND", "APPEND", "AS", "ASC", "BY", "CALL", "CASES", "CONTENT", "CREATE", "DELETE", "DESC", "DISTINCT", "DROP", "EXPORT", "FLATTENED",
        "FROM", "IMPORT", "INSERT", "INTO", "IS", "JOIN", "MINING", "MODEL", "NATURAL", "NOT", "NULL", "ON", "OPENQUERY", "OR", "ORDER", "PMML",
        "PREDICTION", "RELATE", "SELECT", "SHAPE", "SKIP", "STRUCTURE", "TO", "TOP", "UNION", "UPDATE", "USING", "WHERE",
    ];

    private XElement ProtocolRowset(string requestType, Dictionary<string, List<string>> restrictions)
    {
        bool Match(string column, object? value) =>
            !restrictions.TryGetValue(column, out var wanted) || wanted.Count == 0 || wanted.Any(w => string.Equals(w, value as string, StringComparison.OrdinalIgnoreCase));
        (RowsetColumn[] Columns, IEnumerable<object?[]> Rows, string Restricted) answer = requestType switch
        {
            "DISCOVER_DATASOURCES" => (
                [S("DataSourceName"), S("DataSourceDescription"), S("URL"), S("DataSourceInfo"), S("ProviderName"), S("ProviderType"), S("AuthenticationMode")],
                [["SegmentMiner", "SegmentMiner embedded XMLA endpoint (data mining)", null, "Provider=MSOLAP", "SegmentMiner embedded XMLA endpoint", "DMP", "Unauthenticated"]],
                "DataSourceName"),
            "DISCOVER_ENUMERATORS" => (
                [S("EnumName"), S("EnumDescription"), S("EnumType"), S("ElementName"), S("ElementDescription"), S("ElementValue")],
                Enumerators(),
                "EnumName"),
            "DISCOVER_KEYWORDS" => ([S("Keyword")], Keywords.Select(k => new object?[] { k }), "Keyword"),
            _ => (
                [S("LiteralName"), S("LiteralValue"), S("LiteralInvalidChars"), S("LiteralInvalidStartingChars"), I("LiteralMaxLength")],
                [
                    ["DBLITERAL_CATALOG_NAME", null, ".", "0123456789", 100],
                    ["DBLITERAL_CATALOG_SEPARATOR", ".", null, null, 0],
                    ["DBLITERAL_COLUMN_ALIAS", null, "'\"[]", "0123456789", 100],
                    ["DBLITERAL_COLUMN_NAME", null, ".", "0123456789", 100],
                    ["DBLITERAL_CORRELATION_NAME", null, "'\"[]", "0123456789", 100],
                    ["DBLITERAL_QUOTE_PREFIX", "[", null, null, 0],
                    ["DBLITERAL_QUOTE_SUFFIX", "]", null, null, 0],
                    ["DBLITERAL_TABLE_NAME", null, ".", "0123456789", 100],
                    ["DBLITERAL_TEXT_COMMAND", null, null, null, 0],
                ],
                "LiteralName"),
        };
        var index = Array.FindIndex(answer.Columns, c => c.Name == answer.Restricted);
        return RowsetWriter.Write(answer.Columns, answer.Rows.Where(r => Match(answer.Restricted, r[index])));
    }

    private static IEnumerable<object?[]> Enumerators()
    {
        (string Name, string Description, string[] Elements)[] enums =
        [
            ("ProviderType", "The types of data a provider returns", ["TDP", "MDP", "DMP"]),
            ("AuthenticationMode", "How a data source authenticates", ["Unauthenticated", "Authenticated", "Integrated"]),
            ("PropertyAccessType", "How a property may be accessed", ["Read", "Write", "ReadWrite"]),
            ("StateSupport", "Whether sessions are supported", ["None", "Sessions"]),
            ("ResultsetFormat", "The Format property", ["Tabular", "Multidimensional", "Native"]),
            ("Content", "The Content property", ["None", "Schema", "Data", "SchemaData"]),
        ];
        return enums.SelectMany(e => e.Elements.Select((element, i) => new object?[] { e.Name, e.Description, "string", element, null, i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
    }
}
