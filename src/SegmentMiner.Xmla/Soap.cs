using System.Xml;
using System.Xml.Linq;

namespace SegmentMiner.Xmla;

/// <summary>How a request relates to a session.</summary>
public enum SessionMode
{
    /// <summary>An implicit session that ends with the request.</summary>
    None,

    /// <summary>Open a new session (BeginSession).</summary>
    Begin,

    /// <summary>Run in an existing session (Session).</summary>
    Use,

    /// <summary>End the session (EndSession).</summary>
    End,
}

/// <summary>What came back: the result root(s), warnings, and the session the server named.</summary>
public sealed record XmlaResponse(IReadOnlyList<XElement> Roots, IReadOnlyList<XmlaMessage> Warnings, string? SessionId)
{
    /// <summary>The first (or only) result as a rowset.</summary>
    public Rowset Rowset() => RowsetReader.Read(Roots.FirstOrDefault() ?? new XElement(Ns.Rowset + "root"));
}

/// <summary>Builds XMLA SOAP envelopes and reads the answers (faults, results, Exception and Messages).</summary>
public static class Soap
{
    public static XDocument Discover(string requestType, IReadOnlyDictionary<string, string>? restrictions, IReadOnlyDictionary<string, string>? properties, SessionMode mode, string? sessionId) =>
        Envelope(mode, sessionId, new XElement(Ns.Xmla + "Discover",
            new XElement(Ns.Xmla + "RequestType", requestType),
            new XElement(Ns.Xmla + "Restrictions", new XElement(Ns.Xmla + "RestrictionList", Pairs(restrictions))),
            new XElement(Ns.Xmla + "Properties", new XElement(Ns.Xmla + "PropertyList", Pairs(properties)))));

    /// <summary>An Execute of a DMX statement (text) or one ASSL command (an engine-namespace element).</summary>
    public static XDocument Execute(object command, IReadOnlyDictionary<string, string>? properties, SessionMode mode, string? sessionId) =>
        Envelope(mode, sessionId, new XElement(Ns.Xmla + "Execute",
            new XElement(Ns.Xmla + "Command", command switch
            {
                string statement => new XElement(Ns.Xmla + "Statement", statement),
                XElement assl => assl,
                _ => throw new ArgumentException("a command is DMX text or an ASSL element", nameof(command)),
            }),
            new XElement(Ns.Xmla + "Properties", new XElement(Ns.Xmla + "PropertyList", Pairs(properties)))));

    private static IEnumerable<XElement> Pairs(IReadOnlyDictionary<string, string>? pairs) =>
        (pairs ?? new Dictionary<string, string>()).Select(p => new XElement(Ns.Xmla + p.Key, p.Value));

    private static XDocument Envelope(SessionMode mode, string? sessionId, XElement body)
    {
        var header = new XElement(Ns.Soap + "Header");
        var mustUnderstand = new XAttribute(Ns.Soap + "mustUnderstand", "1");
        switch (mode)
        {
            case SessionMode.Begin:
                header.Add(new XElement(Ns.Xmla + "BeginSession", mustUnderstand));
                break;
            case SessionMode.Use:
                header.Add(new XElement(Ns.Xmla + "Session", new XAttribute("SessionId", sessionId!), mustUnderstand));
                break;
            case SessionMode.End:
                header.Add(new XElement(Ns.Xmla + "EndSession", new XAttribute("SessionId", sessionId!), mustUnderstand));
                break;
        }

        return new XDocument(new XElement(Ns.Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soap", Ns.Soap.NamespaceName), header, new XElement(Ns.Soap + "Body", body)));
    }

    /// <summary>Parses a response body; faults and errors inside results become <see cref="XmlaException"/>.</summary>
    public static XmlaResponse ReadResponse(string body, string context)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(body.TrimEnd('\0', ' ', '\r', '\n', '\t'));
        }
        catch (XmlException e)
        {
            throw new XmlaTransportException($"{context}: the answer is not well-formed XML ({e.Message})", snippet: Snip(body));
        }

        var envelope = doc.Root;
        if (envelope?.Name.LocalName != "Envelope")
        {
            throw new XmlaTransportException($"{context}: the answer is not a SOAP envelope", snippet: Snip(body));
        }

        var sessionId = (string?)envelope.Elements().FirstOrDefault(e => e.Name.LocalName == "Header")?
            .Elements().FirstOrDefault(e => e.Name.LocalName == "Session")?.Attribute("SessionId");
        var bodyElement = envelope.Elements().FirstOrDefault(e => e.Name.LocalName == "Body")
            ?? throw new XmlaTransportException($"{context}: the SOAP envelope has no Body", snippet: Snip(body));
        var fault = bodyElement.Elements().FirstOrDefault(e => e.Name.LocalName == "Fault");
        if (fault is not null)
        {
            var code = fault.Elements().FirstOrDefault(e => e.Name.LocalName == "faultcode")?.Value;
            var text = fault.Elements().FirstOrDefault(e => e.Name.LocalName == "faultstring")?.Value;
            var errors = fault.Descendants().Where(e => e.Name.LocalName is "Error").Select(XmlaMessage.From).ToList();
            if (errors.Count == 0 && text is not null)
            {
                errors.Add(new XmlaMessage(0, text, null, null, false));
            }

            throw new XmlaException(context, errors, code);
        }

        var ret = bodyElement.Elements().FirstOrDefault()?.Elements().FirstOrDefault(e => e.Name.LocalName == "return")
            ?? throw new XmlaTransportException($"{context}: the answer has no return element", snippet: Snip(body));
        var roots = ret.Elements().SelectMany(e => e.Name.LocalName == "results" ? e.Elements().Where(r => r.Name.LocalName == "root") : e.Name.LocalName == "root" ? [e] : []).ToList();
        var warnings = new List<XmlaMessage>();
        var failures = new List<XmlaMessage>();
        foreach (var root in roots)
        {
            var failed = root.Elements().Any(e => e.Name == Ns.Exception + "Exception");
            foreach (var messages in root.Elements(Ns.Exception + "Messages"))
            {
                foreach (var m in messages.Elements().Where(e => e.Name.LocalName is "Error" or "Warning").Select(XmlaMessage.From))
                {
                    (m.IsWarning ? warnings : failures).Add(m);
                }
            }

            if (failed && failures.Count == 0)
            {
                failures.Add(new XmlaMessage(0, "the server reported an exception without a message", null, null, false));
            }
        }

        if (failures.Count > 0)
        {
            throw new XmlaException(context, failures);
        }

        return new XmlaResponse(roots, warnings, sessionId);
    }

    /// <summary>The first 300 characters, on one line: enough to recognise an HTML error page.</summary>
    public static string Snip(string body)
    {
        var flat = string.Join(' ', body.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
        return flat.Length <= 300 ? flat : flat[..300] + "...";
    }
}
