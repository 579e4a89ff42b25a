using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core;

namespace SegmentMiner.Xmla;

public enum XmlaAuthentication
{
    Anonymous,

    /// <summary>HTTP Basic; refused over plain http unless <see cref="XmlaClientOptions.AllowBasicOverHttp"/>.</summary>
    Basic,

    /// <summary>Windows (Negotiate: Kerberos or NTLM), where the platform has GSSAPI.</summary>
    Negotiate,
}

public sealed record XmlaClientOptions
{
    /// <summary>The msmdpump endpoint, e.g. <c>https://host/olap/msmdpump.dll</c>.</summary>
    public required Uri Url { get; init; }

    public XmlaAuthentication Authentication { get; init; } = XmlaAuthentication.Anonymous;

    public string? User { get; init; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; init; }

    public bool AllowBasicOverHttp { get; init; }

    /// <summary>Discover and queries. Default 5 minutes.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Processing can take hours. Default: no limit (<see cref="Timeout.InfiniteTimeSpan"/>).</summary>
    public TimeSpan ProcessTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Retries of transient transport failures (no connection, 502/503/504). Default 3.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The first retry delay; doubled each time. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Replaces the HTTP handler (tests).</summary>
    public HttpMessageHandler? Handler { get; init; }
}

/// <summary>
/// An XMLA client over HTTP(S) (the msmdpump endpoint): Discover and Execute, sessions, plain XML only, errors as
/// <see cref="XmlaException"/> and transport problems as <see cref="XmlaTransportException"/>.
/// </summary>
public sealed partial class XmlaClient : IDisposable
{
    private readonly XmlaClientOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _log;
    private volatile bool _negotiated;

    public XmlaClient(XmlaClientOptions options, ILogger? logger = null)
    {
        _options = options;
        _log = logger ?? NullLogger.Instance;
        if (options.Url.Scheme is not ("http" or "https"))
        {
            throw new ConfigurationException([$"Mining:Xmla:Url: '{Core.Secrets.DisplayUrl(options.Url)}' must be an http or https address."]);
        }

        if (options.Authentication == XmlaAuthentication.Basic)
        {
            if (string.IsNullOrEmpty(options.User) || options.Password is null)
            {
                throw new ConfigurationException(["Mining:Xmla:User and Mining:Xmla:Password: required for Basic authentication."]);
            }

            if (options.Url.Scheme == "http" && !options.AllowBasicOverHttp)
            {
                throw new ConfigurationException(["Mining:Xmla:Authentication: Basic over plain http sends the password in clear; use https, or set Mining:Xmla:AllowBasicOverHttp=true on a trusted network."]);
            }
        }

        var handler = options.Handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            Credentials = options.Authentication == XmlaAuthentication.Negotiate
                ? options.User is null ? CredentialCache.DefaultCredentials : new NetworkCredential(options.User, options.Password)
                : null,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public XmlaClientOptions Options => _options;

    /// <summary>A schema rowset.</summary>
    public async Task<Rowset> DiscoverAsync(string requestType, IReadOnlyDictionary<string, string>? restrictions = null, string? catalog = null, XmlaSession? session = null, CancellationToken cancellationToken = default)
    {
        var envelope = Soap.Discover(requestType, restrictions, Properties(catalog), session is null ? SessionMode.None : SessionMode.Use, session?.Id);
        var response = await SendAsync(envelope, Ns.DiscoverAction, $"Discover {requestType}", _options.QueryTimeout, session, cancellationToken);
        return response.Rowset();
    }

    /// <summary>Executes a DMX statement (string) or one ASSL command (an engine-namespace element).</summary>
    public Task<XmlaResponse> ExecuteAsync(object command, string? catalog = null, XmlaSession? session = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var envelope = Soap.Execute(command, Properties(catalog), session is null ? SessionMode.None : SessionMode.Use, session?.Id);
        var what = command is XElement x ? "Execute " + x.Name.LocalName : "Execute statement";
        return SendAsync(envelope, Ns.ExecuteAction, what, timeout ?? _options.QueryTimeout, session, cancellationToken);
    }

    /// <summary>Opens an explicit session (needed to cancel a running command); dispose it to end it.</summary>
    public async Task<XmlaSession> BeginSessionAsync(string? catalog = null, CancellationToken cancellationToken = default)
    {
        var envelope = Soap.Execute("", Properties(catalog), SessionMode.Begin, null);
        var response = await SendAsync(envelope, Ns.ExecuteAction, "BeginSession", _options.QueryTimeout, null, cancellationToken);
        return new XmlaSession(this, response.SessionId ?? throw new XmlaTransportException("BeginSession: the server returned no session id"));
    }

    internal async Task EndSessionAsync(string sessionId)
    {
        try
        {
            var envelope = Soap.Execute("", null, SessionMode.End, sessionId);
            await SendAsync(envelope, Ns.ExecuteAction, "EndSession", TimeSpan.FromSeconds(30), null, CancellationToken.None, retry: false);
        }
        catch (Exception e) when (e is XmlaException or XmlaTransportException)
        {
            LogEndSessionFailed(_log, sessionId, e.Message);
        }
    }

    /// <summary>Cancels what runs in a session (Cancel with SessionID, sent from an implicit session).</summary>
    public async Task CancelSessionAsync(string sessionId)
    {
        var cancel = new XElement(Ns.Engine + "Cancel", new XElement(Ns.Engine + "SessionID", sessionId));
        try
        {
            await SendAsync(Soap.Execute(cancel, null, SessionMode.None, null), Ns.ExecuteAction, "Cancel", TimeSpan.FromSeconds(30), null, CancellationToken.None, retry: false);
            LogCancelSent(_log, sessionId);
        }
        catch (Exception e) when (e is XmlaException or XmlaTransportException)
        {
            LogCancelFailed(_log, sessionId, e.Message);
        }
    }

    /// <summary>
    /// Fails fast on a server that no longer runs data mining: SQL Server 2022 Analysis Services or later, or one that
    /// offers no Microsoft_Clustering (tabular mode, Azure Analysis Services, Power BI). Returns the version.
    /// </summary>
    public async Task<string> CheckServerAsync(CancellationToken cancellationToken = default)
    {
        var props = await DiscoverAsync("DISCOVER_PROPERTIES", new Dictionary<string, string> { ["PropertyName"] = "DBMSVersion" }, cancellationToken: cancellationToken);
        var version = props.Rows.Select(r => r.String("Value")).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "unknown";
        var major = int.TryParse(version.Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : 0;
        if (major >= 16)
        {
            throw new XmlaException("server check", [new XmlaMessage(0, $"Analysis Services {version} is SQL Server 2022 or later, where data mining was discontinued; use SQL Server Analysis Services 2016 to 2019 in multidimensional mode, or the embedded engine (Mining:Server=Embedded)", null, null, false)]);
        }

        var services = await DiscoverAsync("DMSCHEMA_MINING_SERVICES", new Dictionary<string, string> { ["SERVICE_NAME"] = "Microsoft_Clustering" }, cancellationToken: cancellationToken);
        if (services.Rows.Count == 0)
        {
            throw new XmlaException("server check", [new XmlaMessage(0, $"the server (version {version}) offers no Microsoft_Clustering algorithm: is it in tabular mode? Data mining needs multidimensional mode", null, null, false)]);
        }

        return version;
    }

    private static Dictionary<string, string> Properties(string? catalog)
    {
        var p = new Dictionary<string, string> { ["Format"] = "Tabular", ["Content"] = "SchemaData", ["LocaleIdentifier"] = "1033" };
        if (catalog is not null)
        {
            p["Catalog"] = catalog;
        }

        return p;
    }

    private async Task<XmlaResponse> SendAsync(XDocument envelope, string action, string context, TimeSpan timeout, XmlaSession? session, CancellationToken cancellationToken, bool retry = true)
    {
        var body = Encoding.UTF8.GetBytes(envelope.ToString(SaveOptions.DisableFormatting));
        var delay = _options.RetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout != Timeout.InfiniteTimeSpan && timeout > TimeSpan.Zero)
            {
                cts.CancelAfter(timeout);
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
                request.Headers.TryAddWithoutValidation("SOAPAction", "\"" + action + "\"");
                // Plain XML only: never advertise binary (SX) or compressed (XPRESS) answers.
                request.Headers.TryAddWithoutValidation(Ns.NegotiationHeader, _negotiated ? "1,0,0,0,0" : "0,0,0,0,0");
                request.Headers.TryAddWithoutValidation("SspropInitAppName", "SegmentMiner");
                if (_options.Authentication == XmlaAuthentication.Basic)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.User}:{_options.Password}")));
                }

                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
                var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token);
                _negotiated = true;
                var result = Interpret(response, bytes, context);
                foreach (var w in result.Warnings)
                {
                    LogServerWarning(_log, context, w.ToString());
                }

                return result;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (session is not null)
                {
                    await CancelSessionAsync(session.Id);
                }

                throw new XmlaTransportException($"{context}: no answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (timeout)");
            }
            catch (OperationCanceledException)
            {
                if (session is not null)
                {
                    await CancelSessionAsync(session.Id);
                }

                throw;
            }
            catch (HttpRequestException e) when (retry && attempt < _options.Retries)
            {
                LogRetry(_log, context, e.Message, attempt + 1, _options.Retries, delay.TotalSeconds);
            }
            catch (HttpRequestException e)
            {
                throw new XmlaTransportException($"{context}: cannot reach {Core.Secrets.DisplayUrl(_options.Url)} ({e.Message})", inner: e) { IsTransient = true };
            }
            catch (XmlaTransportException e) when (e.IsTransient && retry && attempt < _options.Retries)
            {
                LogRetry(_log, context, e.Message, attempt + 1, _options.Retries, delay.TotalSeconds);
            }

            await Task.Delay(delay, cancellationToken);
            delay *= 2;
        }
    }

    private static XmlaResponse Interpret(HttpResponseMessage response, byte[] bytes, string context)
    {
        var status = (int)response.StatusCode;
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        var encoding = string.Join(",", response.Content.Headers.ContentEncoding);
        if (media.StartsWith("application/sx", StringComparison.OrdinalIgnoreCase) || media.Contains("xpress", StringComparison.OrdinalIgnoreCase) || encoding.Length > 0)
        {
            throw new XmlaTransportException($"{context}: the server sent a binary or compressed answer ({(media.Length > 0 ? media : "no content type")}{(encoding.Length > 0 ? ", " + encoding : "")}) although SegmentMiner asks for plain XML only", status, Snip(bytes));
        }

        if (status == 401)
        {
            throw new XmlaTransportException($"{context}: authentication failed; check Mining:Xmla:Authentication, User and Password", status, Snip(bytes));
        }

        var isXml = media is "text/xml" or "application/xml" or "application/soap+xml";
        if (!isXml)
        {
            throw new XmlaTransportException($"{context}: the answer is not XMLA (content type '{media}'); is the URL the msmdpump endpoint?", status, Snip(bytes))
            {
                IsTransient = status is 502 or 503 or 504,
            };
        }

        var text = Encoding.UTF8.GetString(bytes);
        var first = text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (first.Length == 0 || first[0] != '<')
        {
            throw new XmlaTransportException($"{context}: the answer is not text XML (a binary or compressed body?)", status, Snip(bytes));
        }

        try
        {
            return Soap.ReadResponse(text, context);
        }
        catch (XmlaTransportException) when (status >= 400)
        {
            throw new XmlaTransportException($"{context}: the server failed", status, Soap.Snip(text)) { IsTransient = status is 502 or 503 or 504 };
        }
    }

    private static string Snip(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 600));
        return Soap.Snip(new string(text.Select(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t') ? '.' : c).ToArray()));
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>An explicit XMLA session; disposing it ends the session on the server.</summary>
public sealed class XmlaSession : IAsyncDisposable
{
    private readonly XmlaClient _client;
    private int _ended;

    internal XmlaSession(XmlaClient client, string id)
    {
        _client = client;
        Id = id;
    }

    public string Id { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            await _client.EndSessionAsync(Id);
        }
    }
}
