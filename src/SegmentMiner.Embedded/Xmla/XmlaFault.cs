using System.Globalization;
using System.Xml.Linq;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// An error the endpoint answers with, shaped as Analysis Services shapes it: a SOAP fault with
/// <c>XMLAnalysisError.0x...</c> and an Error element carrying ErrorCode (unsigned decimal), Description and Source.
/// The parser (0xC10E0002), metadata (0xC10A004D) and query (0xC10F000A) codes are those seen from real servers; the
/// session and cancellation codes are our choice (their real values are not documented).
/// </summary>
public sealed class XmlaFault(uint code, string message) : Exception(message)
{
    public const uint Parser = 0xC10E0002;
    public const uint Metadata = 0xC10A004D;
    public const uint Query = 0xC10F000A;
    public const uint Session = 0xC1060001;
    public const uint Cancelled = 0xC1000007;
    public const uint Processing = 0xC1210003;
    public const string ServerSource = "SegmentMiner embedded XMLA endpoint";

    public uint Code { get; } = code;

    public static XElement ErrorElement(uint code, string description) =>
        new("Error",
            new XAttribute("ErrorCode", code.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("Description", description),
            new XAttribute("Source", ServerSource),
            new XAttribute("HelpFile", ""));

    public XDocument ToEnvelope() =>
        new(new XElement(Ns.Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soap", Ns.Soap.NamespaceName),
            new XElement(Ns.Soap + "Body",
                new XElement(Ns.Soap + "Fault",
                    new XElement("faultcode", "XMLAnalysisError.0x" + Code.ToString("x8", CultureInfo.InvariantCulture)),
                    new XElement("faultstring", Message),
                    new XElement("detail", ErrorElement(Code, Message))))));
}
