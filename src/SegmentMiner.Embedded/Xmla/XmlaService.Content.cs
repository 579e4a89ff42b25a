using System.Xml.Linq;
using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The Content property: SchemaData (the default) answers schema and rows; Schema the schema only; Data the rows
/// only; None executes nothing (a statement is only checked by the parser) and answers an empty result.
/// </summary>
public sealed partial class XmlaService
{
    private static readonly string[] ContentValues = ["NONE", "SCHEMA", "DATA", "SCHEMADATA"];

    private static string ContentProperty(Dictionary<string, string> properties)
    {
        var value = properties.GetValueOrDefault("Content") is { Length: > 0 } c ? c.Trim().ToUpperInvariant() : "SCHEMADATA";
        return ContentValues.Contains(value)
            ? value
            : throw new XmlaFault(XmlaFault.Parser, $"The Content property has the value '{properties["Content"]}'; use None, Schema, Data or SchemaData.");
    }

    /// <summary>Content=None: nothing runs; a DMX SELECT is parsed, so a syntax error is still reported.</summary>
    private static XElement ValidateOnly(XElement? command)
    {
        var statement = command?.Element(Ns.Xmla + "Statement")?.Value.Trim();
        if (statement is { Length: > 0 } && Tokens(statement)[0].Is("SELECT"))
        {
            try
            {
                DmxParser.ParseSelect(statement);
            }
            catch (DmxSyntaxException e)
            {
                throw new XmlaFault(XmlaFault.Query, e.Message);
            }
        }

        return Empty();
    }

    private static XElement ApplyContent(XElement result, string content)
    {
        if (content == "SCHEMA")
        {
            result.Elements(Ns.Rowset + "row").Remove();
        }
        else if (content == "DATA")
        {
            result.Elements(Ns.Xsd + "schema").Remove();
        }

        return result;
    }
}
