using System.Text;

namespace SegmentMiner.Pipeline.Reporting;

/// <summary>
/// Builds the report's markup: UTF-8 text with only <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped (and <c>"</c>
/// inside attributes), no numeric character references, lines ending in LF whatever the machine.
/// </summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder _text = new();
    private int _ids;

    /// <summary>A new id for an element, unique in the document and the same on every render of the same data.</summary>
    public string NextId(string prefix) => $"{prefix}{++_ids}";

    public HtmlWriter Raw(string markup)
    {
        _text.Append(markup);
        return this;
    }

    public HtmlWriter Text(string text)
    {
        _text.Append(Escape(text));
        return this;
    }

    public HtmlWriter Line()
    {
        _text.Append('\n');
        return this;
    }

    /// <summary>An opening tag; attributes whose value is null are left out.</summary>
    public HtmlWriter Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _text.Append('<').Append(tag).Append(Attributes(attributes)).Append('>');
        return this;
    }

    public HtmlWriter Close(string tag)
    {
        _text.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element holding text.</summary>
    public HtmlWriter Element(string tag, string text, params (string Name, string? Value)[] attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    public override string ToString() => _text.ToString();

    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static string Attribute(string value) => Escape(value).Replace("\"", "&quot;", StringComparison.Ordinal);

    public static string Attributes(IEnumerable<(string Name, string? Value)> attributes) =>
        string.Concat(attributes.Where(a => a.Value is not null).Select(a => $" {a.Name}=\"{Attribute(a.Value!)}\""));
}
