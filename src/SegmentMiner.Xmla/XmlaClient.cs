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
        var what = restrictions is { Count: > 0 } ? $"Discover {requestType} ({string.Join(", ", restrictions.Select(r => r.Key + "=" + r.Value))})" : $"Discover {requestType}";
        var response = await SendAsync(envelope, Ns.DiscoverAction, what, _options.QueryTimeout, session, cancellationToken, idempotent: true);
        return response.Rowset();
    }

    /// <summary>Executes a DMX statement (string) or one ASSL command (an engine-namespace element).</summary>
    public Task<XmlaResponse> ExecuteAsync(object command, string? catalog = null, XmlaSession? session = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var envelope = Soap.Execute(command, Properties(catalog), session is null ? SessionMode.None : SessionMode.Use, session?.Id);
        var what = command is XElement x ? "Execute " + Describe(x) : "Execute statement";
        var query = command is string dmx && dmx.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
        return SendAsync(envelope, Ns.ExecuteAction, what, timeout ?? _options.QueryTimeout, session, cancellationToken, idempotent: query);
    }

    /// <summary>An ASSL command with the object it acts on: "Process of MiningStructure 'x' in database 'y'".</summary>
    private static string Describe(XElement command)
    {
        var target = command.Descendants().LastOrDefault(e => e.Name.LocalName.EndsWith("ID", StringComparison.Ordinal) && e.Parent?.Name.LocalName == "Object");
        var database = command.Descendants().FirstOrDefault(e => e.Name.LocalName == "DatabaseID")?.Value;
        return target is null || target.Name.LocalName == "DatabaseID"
            ? command.Name.LocalName + (database is null ? "" : $" of database '{database}'")
            : $"{command.Name.LocalName} of {target.Name.LocalName[..^2]} '{target.Value}'{(database is null ? "" : $" in database '{database}'")}";
    }

    /// <summary>Opens an explicit session (needed to cancel a running command); dispose it to end it.</summary>
    public async Task<XmlaSession> BeginSessionAsync(string? catalog = null, CancellationToken cancellationToken = default)
    {
        var envelope = Soap.Execute("", Properties(catalog), SessionMode.Begin, null);
        var response = await SendAsync(envelope, Ns.ExecuteAction, "BeginSession", _options.QueryTimeout, null, cancellationToken, idempotent: true);
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

    /// <summary>
    /// Sends one request and reads its whole answer. Retried (Mining:Xmla:Retries times, the delay doubling from
    /// Mining:Xmla:RetryDelay, a 503's Retry-After honoured up to <see cref="MaxRetryAfter"/>) only when that cannot
    /// run a command twice: the connection could not be made, or the server answered 503 (it took nothing); a
    /// request that may have reached the server (connection lost, answer cut, 502/504 from a gateway) is sent again
    /// only when it is <paramref name="idempotent"/> (Discover, a DMX SELECT). Processing is never sent twice.
    /// </summary>
    private async Task<XmlaResponse> SendAsync(
        XDocument envelope, string action, string context, TimeSpan timeout, XmlaSession? session, CancellationToken cancellationToken, bool retry = true, bool idempotent = false)
    {
        var body = Encoding.UTF8.GetBytes(envelope.ToString(SaveOptions.DisableFormatting));
        var delay = _options.RetryDelay;
        context = $"{context} at {Core.Secrets.DisplayUrl(_options.Url)}";
        for (var attempt = 0; ; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout != Timeout.InfiniteTimeSpan && timeout > TimeSpan.Zero)
            {
                cts.CancelAfter(timeout);
            }

            XmlaTransportException failure;
            try
            {
                return await SendOnceAsync(body, action, context, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await CancelAsync(session);
                throw new XmlaTransportException($"{context}: no answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (timeout)");
            }
            catch (OperationCanceledException)
            {
                await CancelAsync(session);
                throw;
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                failure = new XmlaTransportException($"{context}: cannot reach the server ({e.Message})", inner: e) { IsTransient = true, NotReceived = true };
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                failure = new XmlaTransportException($"{context}: the connection was lost before the whole answer arrived ({e.Message})", inner: e) { IsTransient = true };
            }
            catch (XmlaTransportException e)
            {
                failure = e;
            }

            var again = retry && attempt < _options.Retries && failure.IsTransient && (failure.NotReceived || idempotent);
            if (!again)
            {
                throw Final(failure, attempt, idempotent);
            }

            var wait = failure.RetryAfter is { } after ? TimeSpan.FromTicks(Math.Min(after.Ticks, MaxRetryAfter.Ticks)) : delay;
            LogRetry(_log, context, failure.Message, attempt + 1, _options.Retries, wait.TotalSeconds);
            await Task.Delay(wait, cancellationToken);
            delay *= 2;
        }
    }

    /// <summary>The longest Retry-After honoured; a server asking for more is retried after this.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private async Task<XmlaResponse> SendOnceAsync(byte[] body, string action, string context, CancellationToken cancellationToken)
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

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        _negotiated = true;
        var result = Interpret(response, bytes, context);
        foreach (var w in result.Warnings)
        {
            LogServerWarning(_log, context, w.ToString());
        }

        return result;
    }

    private async Task CancelAsync(XmlaSession? session)
    {
        if (session is not null)
        {
            await CancelSessionAsync(session.Id);
        }
    }

    /// <summary>The error the caller gets: what happened, after how many attempts, and why it was not sent again.</summary>
    private static XmlaTransportException Final(XmlaTransportException failure, int attempt, bool idempotent)
    {
        var why = !failure.IsTransient ? null
            : !failure.NotReceived && !idempotent ? "not sent again: the server may have run it; check the object's state before running it again"
            : attempt > 0 ? $"gave up after {attempt + 1} attempts (Mining:Xmla:Retries)" : null;
        return why is null ? failure : new XmlaTransportException($"{failure.Message}; {why}", inner: failure) { IsTransient = failure.IsTransient, NotReceived = failure.NotReceived };
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
                NotReceived = status == 503,
                RetryAfter = RetryAfter(response),
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
            throw new XmlaTransportException($"{context}: the server failed", status, Soap.Snip(text))
            {
                IsTransient = status is 502 or 503 or 504,
                NotReceived = status == 503,
                RetryAfter = RetryAfter(response),
            };
        }
        catch (XmlaTransportException e) when (e.Message.Contains("not well-formed XML", StringComparison.Ordinal))
        {
            // A cut answer: worth asking again when asking again cannot run anything twice.
            throw new XmlaTransportException($"{context}: the answer was cut off or is not well-formed XML ({bytes.Length} bytes)", status, Soap.Snip(text)) { IsTransient = true };
        }
    }

    /// <summary>A 503's Retry-After (seconds or a date), when the server gave one.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null);
        return wait > TimeSpan.Zero ? wait : null;
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
