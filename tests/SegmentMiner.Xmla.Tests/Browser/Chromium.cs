using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SegmentMiner.Xmla.Tests.Browser;

/// <summary>
/// Headless Chromium (Debian's package, never a downloaded build) driven over the DevTools protocol: one page,
/// its console errors and uncaught exceptions collected, commands answered by id. Runs with --no-sandbox, as root.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _session;
    private int _id;

    private Chromium(Process process) => _process = process;

    /// <summary>The console errors, uncaught exceptions and error log entries the page produced.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>The browser to drive: SEGMINER_CHROMIUM, else Debian's /usr/bin/chromium; null when neither is there.</summary>
    public static string? Executable =>
        new[] { Environment.GetEnvironmentVariable("SEGMINER_CHROMIUM"), "/usr/bin/chromium" }.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    public static async Task<Chromium> StartAsync(string executable, string profile, int width, int height)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-background-networking", "--remote-debugging-port=0", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank" })
        {
            info.ArgumentList.Add(a);
        }

        var chromium = new Chromium(Process.Start(info)!);
        var url = await chromium.DevToolsUrlAsync();
        await chromium._socket.ConnectAsync(new Uri(url), CancellationToken.None);
        _ = chromium.ReceiveAsync();
        var target = await chromium.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, browser: true);
        var attached = await chromium.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, browser: true);
        chromium._session = attached["sessionId"]!.GetValue<string>();
        foreach (var domain in new[] { "Page.enable", "Runtime.enable", "Log.enable" })
        {
            await chromium.SendAsync(domain);
        }

        await chromium.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        return chromium;
    }

    /// <summary>Opens a file and waits for its load event.</summary>
    public async Task OpenAsync(string file)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(Path.GetFullPath(file)).AbsoluteUri });
        await _loaded.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Evaluates an expression in the page (awaiting a promise); returns its value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true });
        if (r["exceptionDetails"] is { } e)
        {
            throw new InvalidOperationException($"page script failed: {e.ToJsonString()}");
        }

        return r["result"]?["value"];
    }

    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }))["data"]!.GetValue<string>());

    /// <summary>The page printed as the browser prints it, honouring the report's @page size (A4 landscape).</summary>
    public async Task<byte[]> PrintAsync() =>
        Convert.FromBase64String((await SendAsync("Page.printToPDF", new JsonObject { ["printBackground"] = true, ["preferCSSPageSize"] = true }))["data"]!.GetValue<string>());

    public async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null, bool browser = false)
    {
        var id = Interlocked.Increment(ref _id);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (!browser)
        {
            message["sessionId"] = _session;
        }

        var answer = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await answer.Task.WaitAsync(TimeSpan.FromSeconds(120));
    }

    private async Task<string> DevToolsUrlAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await _process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            const string marker = "DevTools listening on ";
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                _ = _process.StandardError.ReadToEndAsync(); // keep the pipe drained
                return line[marker.Length..].Trim();
            }
        }

        throw new InvalidOperationException($"chromium exited ({(_process.HasExited ? _process.ExitCode : -1)}) before it listened for DevTools");
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                message.Write(buffer, 0, r.Count);
                if (r.EndOfMessage)
                {
                    Dispatch(JsonNode.Parse(message.ToArray())!);
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            foreach (var p in _pending.Values)
            {
                p.TrySetException(ex);
            }
        }
    }

    private void Dispatch(JsonNode m)
    {
        if (m["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var answer))
        {
            if (m["error"] is { } error)
            {
                answer.TrySetException(new InvalidOperationException($"DevTools: {error.ToJsonString()}"));
            }
            else
            {
                answer.TrySetResult(m["result"] ?? new JsonObject());
            }

            return;
        }

        var p = m["params"];
        var method = m["method"]?.GetValue<string>();
        var consoleType = method == "Runtime.consoleAPICalled" ? p?["type"]?.GetValue<string>() : null;
        var logLevel = method == "Log.entryAdded" ? p?["entry"]?["level"]?.GetValue<string>() : null;
        if (method == "Page.loadEventFired")
        {
            _loaded.TrySetResult();
        }
        else if (consoleType is "error" or "assert")
        {
            Errors.Enqueue("console: " + p?["args"]?.ToJsonString());
        }
        else if (method == "Runtime.exceptionThrown")
        {
            Errors.Enqueue("exception: " + p?["exceptionDetails"]?.ToJsonString());
        }
        else if (logLevel == "error")
        {
            Errors.Enqueue("log: " + p?["entry"]?.ToJsonString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await SendAsync("Browser.close", browser: true).WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or WebSocketException or OperationCanceledException)
        {
            // the browser is killed below
        }

        await _stop.CancelAsync();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _socket.Dispose();
        _stop.Dispose();
    }
}
