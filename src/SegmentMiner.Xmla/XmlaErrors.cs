using System.Globalization;
using System.Xml.Linq;
using SegmentMiner.Core;

namespace SegmentMiner.Xmla;

/// <summary>An Error or Warning element of an XMLA answer.</summary>
public sealed record XmlaMessage(uint Code, string Description, string? Source, string? HelpFile, bool IsWarning)
{
    public string Hex => "0x" + Code.ToString("X8", CultureInfo.InvariantCulture);

    public override string ToString() => $"{(IsWarning ? "warning" : "error")} {Hex}: {Description}" + (string.IsNullOrEmpty(Source) ? "" : $" ({Source})");

    /// <summary>Reads Error/Warning (ErrorCode or WarningCode, as unsigned or signed 32-bit decimal).</summary>
    public static XmlaMessage From(XElement e)
    {
        var warning = e.Name.LocalName == "Warning";
        var raw = (string?)e.Attribute(warning ? "WarningCode" : "ErrorCode") ?? (string?)e.Attribute("ErrorCode") ?? "0";
        var code = uint.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var u) ? u
            : int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? unchecked((uint)i) : 0u;
        return new XmlaMessage(code, (string?)e.Attribute("Description") ?? "", (string?)e.Attribute("Source"), (string?)e.Attribute("HelpFile"), warning);
    }
}

/// <summary>
/// The server refused or failed a request: a SOAP fault, or an Exception inside a result. Carries every error the
/// server sent (code, description, source).
/// </summary>
public sealed class XmlaException : SegmentMinerException
{
    public XmlaException(string context, IReadOnlyList<XmlaMessage> errors, string? faultCode = null)
        : base($"{context}: " + (errors.Count == 0 ? faultCode ?? "unknown error" : string.Join("; ", errors.Select(e => e.ToString()))))
    {
        Errors = errors;
        FaultCode = faultCode;
    }

    public IReadOnlyList<XmlaMessage> Errors { get; }

    /// <summary>The SOAP faultcode, e.g. <c>XMLAnalysisError.0xc10a004d</c>; null for an error inside a result.</summary>
    public string? FaultCode { get; }

    public override int ExitCode => 1;
}

/// <summary>The answer was not XMLA at all: an HTTP error page, a binary or compressed body, a timeout, no connection.</summary>
public sealed class XmlaTransportException : SegmentMinerException
{
    public XmlaTransportException(string message, int? status = null, string? snippet = null, Exception? inner = null)
        : base(message + (status is null ? "" : $" (HTTP {status})") + (string.IsNullOrEmpty(snippet) ? "" : $": {snippet}"), inner ?? new InvalidOperationException(message))
    {
        Status = status;
        Snippet = snippet;
    }

    public int? Status { get; }

    public string? Snippet { get; }

    /// <summary>Worth retrying: no answer, or a gateway/unavailable status.</summary>
    public bool IsTransient { get; init; }

    /// <summary>The server took nothing (no connection, or 503): sending it again cannot run it twice.</summary>
    public bool NotReceived { get; init; }

    /// <summary>How long the server asked to wait before asking again (a 503's Retry-After).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public override int ExitCode => 1;
}
