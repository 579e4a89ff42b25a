using System.Xml.Linq;

namespace SegmentMiner.Xmla;

/// <summary>The XML namespaces of XMLA, its rowsets, errors and ASSL.</summary>
public static class Ns
{
    public static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Xmla = "urn:schemas-microsoft-com:xml-analysis";
    public static readonly XNamespace Rowset = "urn:schemas-microsoft-com:xml-analysis:rowset";
    public static readonly XNamespace Empty = "urn:schemas-microsoft-com:xml-analysis:empty";
    public static readonly XNamespace Exception = "urn:schemas-microsoft-com:xml-analysis:exception";
    public static readonly XNamespace MultipleResults = "http://schemas.microsoft.com/analysisservices/2003/xmla-multipleresults";
    public static readonly XNamespace Engine = "http://schemas.microsoft.com/analysisservices/2003/engine";
    public static readonly XNamespace Engine2 = "http://schemas.microsoft.com/analysisservices/2003/engine/2";
    public static readonly XNamespace Ddl100_100 = "http://schemas.microsoft.com/analysisservices/2008/engine/100/100";
    public static readonly XNamespace Xsd = "http://www.w3.org/2001/XMLSchema";
    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public static readonly XNamespace Sql = "urn:schemas-microsoft-com:xml-sql";
    public static readonly XNamespace MsData = "urn:schemas-microsoft-com:xml-msdata";
    public static readonly XNamespace MsProp = "urn:schemas-microsoft-com:xml-msprop";

    public const string DiscoverAction = "urn:schemas-microsoft-com:xml-analysis:Discover";
    public const string ExecuteAction = "urn:schemas-microsoft-com:xml-analysis:Execute";
    public const string NegotiationHeader = "X-Transport-Caps-Negotiation-Flags";
}
