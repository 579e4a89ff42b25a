using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// Serializes an answer as UTF-8 XML that any parser reads: characters XML 1.0 cannot carry at all (C0 controls
/// but tab and line ends, lone surrogates, U+FFFE/U+FFFF), which a source value may hold, become U+FFFD.
/// </summary>
internal static class XmlText
{
    public const char Replacement = '\uFFFD';

    public static byte[] Serialize(XDocument document)
    {
        foreach (var node in document.DescendantNodes())
        {
            if (node is XText text && Clean(text.Value) is { } cleanText)
            {
                text.Value = cleanText;
            }
            else if (node is XElement element)
            {
                foreach (var a in element.Attributes())
                {
                    if (Clean(a.Value) is { } cleanValue)
                    {
                        a.Value = cleanValue;
                    }
                }
            }
        }

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            document.Save(writer);
        }

        return stream.ToArray();
    }

    /// <summary>The text with what XML cannot carry replaced, or null when it can carry all of it.</summary>
    public static string? Clean(string value)
    {
        var first = FirstInvalid(value);
        if (first < 0)
        {
            return null;
        }

        var sb = new StringBuilder(value.Length).Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var ch = value[i];
            if (char.IsHighSurrogate(ch) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb.Append(ch).Append(value[++i]);
            }
            else
            {
                sb.Append(XmlConvert.IsXmlChar(ch) ? ch : Replacement);
            }
        }

        return sb.ToString();
    }

    private static int FirstInvalid(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (char.IsHighSurrogate(ch) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (!XmlConvert.IsXmlChar(ch))
            {
                return i;
            }
        }

        return -1;
    }
}
