using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

public sealed record XmlaEndpointOptions
{
    /// <summary>Where to listen; loopback unless told otherwise. Port 0 picks a free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8390";

    /// <summary>Basic authentication; required when bound to anything but loopback.</summary>
    public string? User { get; init; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; init; }

    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromMinutes(20);
}

/// <summary>
/// The embedded XMLA endpoint over HTTP (Kestrel): POST at <c>/xmla</c> and <c>/olap/msmdpump.dll</c>. Plain XML only
/// (a binary or compressed request gets a fault), faults as HTTP 500 with text/xml, the negotiation flags header on
/// every answer, Basic authentication when configured. A GET gets the parser fault a real pump gives.
/// </summary>
public sealed partial class XmlaEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private XmlaEndpoint(WebApplication app, XmlaService service, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Service = service;
        Addresses = addresses;
    }

    public XmlaService Service { get; }

    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first address's <c>/xmla</c> URL.</summary>
    public Uri Url => new(Addresses[0], "/xmla");

    public static async Task<XmlaEndpoint> StartAsync(XmlaService service, XmlaEndpointOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var log = logger ?? NullLogger.Instance;
        var urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException([$"--urls: '{Core.Secrets.DisplayUrl(url)}' is not an http(s) address such as http://127.0.0.1:8390."]);
            }

            var loopback = uri.Host is "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback && (string.IsNullOrEmpty(options.User) || string.IsNullOrEmpty(options.Password)))
            {
                throw new ConfigurationException([$"--urls: '{Core.Secrets.DisplayUrl(url)}' is not a loopback address; serving beyond this machine needs Basic authentication (set Mining:Endpoint:User and Mining:Endpoint:Password)."]);
            }
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders(); // stdout is for results; the endpoint logs through our logger (stderr)
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        var app = builder.Build();
        RequestDelegate handle = context => HandleAsync(context, service, options, log);
        foreach (var path in new[] { "/xmla", "/olap/msmdpump.dll" })
        {
            app.MapPost(path, handle);
            app.MapGet(path, context => WriteAsync(context, new XmlaFault(XmlaFault.Parser, "Parser: The syntax for 'GET' is incorrect.").ToEnvelope(), 500, "0"));
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            // A busy port or an address this machine does not have: the user's setting, not a bug.
            await app.DisposeAsync();
            throw new Core.SegmentMinerException($"cannot listen on {string.Join(";", urls.Select(Core.Secrets.DisplayUrl))} (--urls or Mining:Endpoint:Urls): {ex.Message}");
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal))).ToList();
        LogListening(log, string.Join(", ", addresses.Select(a => new Uri(a, "/xmla"))));
        return new XmlaEndpoint(app, service, addresses);
    }

    private static async Task HandleAsync(HttpContext context, XmlaService service, XmlaEndpointOptions options, ILogger log)
    {
        var flags = context.Request.Headers[Ns.NegotiationHeader].ToString();
        var nego = flags.Length > 0 && flags[0] == '1' ? "1" : "0";
        if (!string.IsNullOrEmpty(options.User) && !Authorized(context.Request, options))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"SegmentMiner XMLA\"";
            return;
        }

        XDocument response;
        var status = 200;
        try
        {
            var media = context.Request.ContentType ?? "";
            if (media.Contains("application/sx", StringComparison.OrdinalIgnoreCase) || media.Contains("xpress", StringComparison.OrdinalIgnoreCase)
                || context.Request.Headers.ContentEncoding.Count > 0 || flags.Split(',').Skip(1).Take(2).Any(f => f.Trim() == "1"))
            {
                throw new XmlaFault(XmlaFault.Parser, "This server accepts plain XML requests only (text/xml, no binary XML, no compression).");
            }

            var request = await RequestReader.ReadAsync(context.Request.Body, context.RequestAborted);
            response = await service.HandleAsync(request, context.RequestAborted);
        }
        catch (XmlaFault f)
        {
            status = 500;
            response = f.ToEnvelope();
            LogFault(log, f.Code, f.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away
        }
        catch (Exception e)
        {
            status = 500;
            response = new XmlaFault(XmlaFault.Processing, "Internal error: " + e.Message).ToEnvelope();
            LogRequestFailed(log, e);
        }

        await WriteAsync(context, response, status, nego);
    }

    private static bool Authorized(HttpRequest request, XmlaEndpointOptions options)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var expected = Encoding.UTF8.GetBytes($"{options.User}:{options.Password}");
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(pair), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes the answer whole or not at all: it is serialized first (a value XML cannot carry, such as a control
    /// character from a source file, becomes U+FFFD instead of cutting the answer), then sent with its length.
    /// </summary>
    private static async Task WriteAsync(HttpContext context, XDocument document, int status, string nego)
    {
        var body = XmlText.Serialize(document);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        context.Response.ContentLength = body.Length;
        context.Response.Headers[Ns.NegotiationHeader] = nego + ",0,0,0,0";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (Ctrl+C).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        // The host's console lifetime takes SIGTERM and Ctrl+C for itself and stops the application: wait for either.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "XMLA endpoint listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);

    [LoggerMessage(Level = LogLevel.Information, Message = "XMLA fault 0x{Code:X8}: {Message}")]
    private static partial void LogFault(ILogger logger, uint code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "XMLA request failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception);
}
