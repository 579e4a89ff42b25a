using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SegmentMiner.Reliability.Tests;

/// <summary>The faults the proxy injects.</summary>
internal enum Fault
{
    None,

    /// <summary>HTTP 500 with an HTML page, as a broken IIS gives.</summary>
    Http500,

    /// <summary>HTTP 503 with Retry-After: 1, the request not forwarded.</summary>
    Unavailable,

    /// <summary>The real answer, cut in half (the HTTP body complete, the XML not).</summary>
    CutInHalf,

    /// <summary>The request forwarded, the connection dropped before any answer.</summary>
    DropAfterForwarding,

    /// <summary>The answer held back for <see cref="FaultProxy.Delay"/>.</summary>
    Slow,

    /// <summary>The request held back for <see cref="FaultProxy.Delay"/> before it is forwarded (a session expires meanwhile).</summary>
    HoldRequest,
}

/// <summary>
/// A fault-injecting HTTP proxy in front of the embedded XMLA endpoint: requests whose body contains
/// <see cref="Match"/> get <see cref="Fault"/> the first <see cref="Times"/> times; everything is counted.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new();
    private readonly Uri _target;
    private int _remaining;

    private FaultProxy(WebApplication app, Uri target)
    {
        _app = app;
        _target = target;
    }

    public Uri Url { get; private set; } = null!;

    public Fault Fault { get; private set; }

    public string Match { get; private set; } = "";

    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Requests forwarded to the endpoint whose body contains each key (for example "&lt;Process").</summary>
    public ConcurrentDictionary<string, int> Forwarded { get; } = new();

    public int Injected;

    public void Inject(Fault fault, string match, int times = int.MaxValue)
    {
        Fault = fault;
        Match = match;
        Volatile.Write(ref _remaining, times);
        Volatile.Write(ref Injected, 0);
        Forwarded.Clear();
    }

    /// <summary>No more faults; the counts of the last injection stay readable.</summary>
    public void Stop() => Fault = Fault.None;

    public static async Task<FaultProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var proxy = new FaultProxy(app, target);
        app.MapPost("/xmla", proxy.HandleAsync);
        await app.StartAsync();
        proxy.Url = new Uri(app.Urls.First() + "/xmla");
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var fault = body.Contains(Match, StringComparison.Ordinal) && Fault != Fault.None && Interlocked.Decrement(ref _remaining) >= 0 ? Fault : Fault.None;
        if (fault != Fault.None)
        {
            Interlocked.Increment(ref Injected);
        }

        switch (fault)
        {
            case Fault.Http500:
                context.Response.StatusCode = 500;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>Internal Server Error</body></html>");
                return;
            case Fault.Unavailable:
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "1";
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
                return;
            case Fault.HoldRequest:
                await Task.Delay(Delay);
                break;
        }

        var (status, answer, media) = await ForwardAsync(context, body);
        switch (fault)
        {
            case Fault.DropAfterForwarding:
                context.Abort();
                return;
            case Fault.CutInHalf:
                answer = answer[..(answer.Length / 2)];
                break;
            case Fault.Slow:
                await Task.Delay(Delay, context.RequestAborted).ContinueWith(_ => { });
                break;
        }

        context.Response.StatusCode = (int)status;
        context.Response.ContentType = media;
        await context.Response.Body.WriteAsync(answer);
    }

    private async Task<(HttpStatusCode, byte[], string)> ForwardAsync(HttpContext context, string body)
    {
        foreach (var key in new[] { "<Process", "<Discover", "<Statement", "<Batch", "<BeginSession" })
        {
            if (body.Contains(key, StringComparison.Ordinal))
            {
                Forwarded.AddOrUpdate(key, 1, (_, n) => n + 1);
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new StringContent(body, System.Text.Encoding.UTF8, "text/xml") };
        foreach (var header in new[] { "SOAPAction", "X-Transport-Caps-Negotiation-Flags" })
        {
            if (context.Request.Headers.TryGetValue(header, out var value))
            {
                request.Headers.TryAddWithoutValidation(header, value.ToString());
            }
        }

        using var response = await _forward.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.ToString() ?? "text/xml");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _forward.Dispose();
    }
}
