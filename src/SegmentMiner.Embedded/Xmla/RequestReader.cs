using System.Xml;
using System.Xml.Linq;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// Reads an XMLA request body within limits an unauthenticated client cannot push past: no DTD, at most
/// <see cref="MaxDepth"/> levels of elements (20,000 nested Batch elements once overflowed the stack and ended the
/// process), at most <see cref="MaxBytes"/> (Kestrel enforces the same limit on the body). Anything else is the
/// parser fault a client expects, with its line and column.
/// </summary>
internal static class RequestReader
{
    /// <summary>Deepest element nesting accepted; real ASSL stays under 30 (Envelope, Body, Execute, Command, Batch, Alter, ...).</summary>
    public const int MaxDepth = 128;

    public const long MaxBytes = 64L * 1024 * 1024;

    public static async Task<XDocument> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await body.CopyToAsync(buffer, cancellationToken);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == 413)
        {
            throw new XmlaFault(XmlaFault.Parser, $"The request is larger than {MaxBytes} bytes, the most this server accepts.");
        }

        if (buffer.Length > MaxBytes)
        {
            throw new XmlaFault(XmlaFault.Parser, $"The request is {buffer.Length} bytes; this server accepts at most {MaxBytes} bytes.");
        }

        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0 };
        try
        {
            buffer.Position = 0;
            using (var scan = XmlReader.Create(buffer, settings))
            {
                while (scan.Read())
                {
                    if (scan.Depth > MaxDepth)
                    {
                        var at = (IXmlLineInfo)scan;
                        throw new XmlaFault(XmlaFault.Parser, $"XML parsing failed at line {at.LineNumber}, column {at.LinePosition}: elements are nested deeper than {MaxDepth} levels.");
                    }
                }
            }

            buffer.Position = 0;
            using var reader = XmlReader.Create(buffer, settings);
            return XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw new XmlaFault(XmlaFault.Parser, $"XML parsing failed at line {e.LineNumber}, column {e.LinePosition}: {e.Message}");
        }
    }
}
