using SegmentMiner.Core.Configuration;
using SegmentMiner.Embedded;
using SegmentMiner.Embedded.Xmla;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Reading;

namespace SegmentMiner.Reliability.Tests;

/// <summary>
/// Analysis Services as the mining server, played by the embedded XMLA endpoint behind a fault-injecting proxy; the
/// command line (models process, publish) as a user runs it. Each fault is one clear error naming the server and
/// the object; transient ones are retried within Mining:Xmla:Retries, processing is never sent twice, and the
/// published run is never touched by a failed process.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MiningServerFaultTests
{
    private const string ProcessCommand = "<Process";
    private string _root = null!;
    private string _config = null!;
    private XmlaService _service = null!;
    private XmlaEndpoint _endpoint = null!;
    private FaultProxy _proxy = null!;
    private CliRun _cli = null!;
    private int _processes;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "segminer-faults-" + Guid.NewGuid().ToString("N"));
        var models = Path.Combine(_root, "models-folder");
        Directory.CreateDirectory(models);
        foreach (var name in new[] { "market-segments", "customer-segments" })
        {
            File.Copy(Path.Combine(CrashSafetyTests.RepositoryRoot(), "ssas-models", name + ".json"), Path.Combine(models, name + ".json"));
        }

        _cli = new CliRun();
        var data = Path.Combine(_root, "data");
        await Ok("sources", "generate", "--customers", "300", "--as-of", "2026-11-15", "--data-dir", data);
        await Ok("sync", "--as-of", "2026-11-15", "--data-dir", data);
        var folder = new DataFolder(data);
        var engine = new EmbeddedMiningServer(new DuckDbReader(new DuckDbWarehouse(folder, new WarehouseOptions())), new ModelStore(Path.Combine(_root, "server-models")));
        _service = new XmlaService(engine, EndpointCatalog.Load(null), TimeSpan.FromSeconds(1.5));
        _service.ProcessStarted += _ => Interlocked.Increment(ref _processes);
        _endpoint = await XmlaEndpoint.StartAsync(_service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0", SessionTimeout = TimeSpan.FromSeconds(1.5) });
        _proxy = await FaultProxy.StartAsync(_endpoint.Url);
        _config = Settings(_proxy.Url, models, queryTimeout: "00:00:02");
        await Ok("models", "deploy", "--data-dir", data, "--config", _config);
        await Ok("models", "process", "--data-dir", data, "--config", _config);
        await Ok("publish", "--data-dir", data, "--config", _config);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _cli.Dispose();
        await _proxy.DisposeAsync();
        await _endpoint.DisposeAsync();
        Directory.Delete(_root, true);
    }

    private string Data => Path.Combine(_root, "data");

    private string Settings(Uri url, string models, string queryTimeout)
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, $$"""
            { "Mining": { "Server": "AnalysisServices", "ModelsFolder": "{{models}}",
                          "Xmla": { "Url": "{{url}}", "DataSourceConnectionString": "Provider=MSOLEDBSQL;Data Source=warehouse", "Retries": 2, "QueryTimeout": "{{queryTimeout}}" } } }
            """);
        return path;
    }

    private async Task<(int Code, string Out, string Err)> Ok(params string[] args)
    {
        var run = await _cli.RunAsync(args);
        Assert.That(run.Code, Is.Zero, () => $"segminer {string.Join(' ', args)}: {run.Err}");
        return run;
    }

    private Task<(int Code, string Out, string Err)> Process(string model = "market-segments") =>
        _cli.RunAsync("models", "process", "--model", model, "--data-dir", Data, "--config", _config);

    private Task<SortedDictionary<string, string>> PublishedAsync() => WarehouseFingerprint.OfAsync(Data);

    /// <summary>The fault surfaces once, names the server and the object; the published run is as it was, and a publish after it changes nothing.</summary>
    private async Task<string> FailsClearlyAsync(Fault fault, string match, int maxProcesses)
    {
        var published = await PublishedAsync();
        var before = Volatile.Read(ref _processes);
        _proxy.Inject(fault, match);

        var (code, output, error) = await Process();

        _proxy.Stop();
        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain(_proxy.Url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)), "the server is named");
        Assert.That(error, Does.Contain("market-segments").Or.Contain("MarketSegments"), "the object is named");
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(error.Split('\n').Count(l => l.StartsWith("error:", StringComparison.Ordinal)), Is.EqualTo(1), "one error");
        Assert.That(Volatile.Read(ref _processes) - before, Is.LessThanOrEqualTo(maxProcesses), "processing is never sent twice");
        Assert.That(await PublishedAsync(), Is.EqualTo(published), "the failed process touched no published table");
        return error;
    }

    [Test]
    public async Task Http500_IsOneErrorNamingTheServerAndTheModel_NotRetried()
    {
        var error = await FailsClearlyAsync(Fault.Http500, ProcessCommand, 0);
        Assert.That(error, Does.Contain("HTTP 500").And.Contain("Process of MiningStructure"));
        Assert.That(_proxy.Injected, Is.EqualTo(1), "a 500 to a Process is not sent again");
    }

    [Test]
    public async Task CutAnswer_ToAProcess_IsNotSentAgain()
    {
        var error = await FailsClearlyAsync(Fault.CutInHalf, ProcessCommand, 1);
        Assert.That(error, Does.Contain("cut off").And.Contain("not sent again"));
        Assert.That(_proxy.Forwarded.GetValueOrDefault(ProcessCommand), Is.EqualTo(1));
    }

    [Test]
    public async Task ConnectionDroppedAfterTheProcessWasSent_IsNotSentAgain()
    {
        var error = await FailsClearlyAsync(Fault.DropAfterForwarding, ProcessCommand, 1);
        Assert.That(error, Does.Contain("connection was lost").And.Contain("not sent again"));
        Assert.That(_proxy.Forwarded.GetValueOrDefault(ProcessCommand), Is.EqualTo(1));
    }

    [Test]
    public async Task SessionExpiringBeforeTheProcessArrives_IsOneClearError()
    {
        _proxy.Delay = TimeSpan.FromSeconds(2);
        var error = await FailsClearlyAsync(Fault.HoldRequest, ProcessCommand, 0);
        Assert.That(error, Does.Contain("has expired"));
    }

    [Test]
    public async Task SlowAnswer_ToADiscover_IsATimeoutNamingWhatWasAsked()
    {
        _proxy.Delay = TimeSpan.FromSeconds(4);
        var error = await FailsClearlyAsync(Fault.Slow, "DMSCHEMA_MINING_MODELS", 0);
        Assert.That(error, Does.Contain("no answer within 2 s (timeout)").And.Contain("DMSCHEMA_MINING_MODELS"));
    }

    [Test]
    public async Task Unavailable_WithRetryAfter_IsRetriedOnce_AndProcessesOnce()
    {
        var before = Volatile.Read(ref _processes);
        _proxy.Inject(Fault.Unavailable, ProcessCommand, times: 1);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var (code, _, error) = await Process();

        Assert.That(code, Is.Zero, error);
        Assert.That(error, Does.Contain("HTTP 503").And.Contain("retry"), "the retry is said on stderr");
        Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.9)), "Retry-After: 1 was honoured");
        Assert.That(Volatile.Read(ref _processes) - before, Is.EqualTo(1), "processed once");
        Assert.That(_proxy.Forwarded.GetValueOrDefault(ProcessCommand), Is.EqualTo(1));
    }

    [Test]
    public async Task AlwaysUnavailable_GivesUpWithinTheRetryBudget()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var error = await FailsClearlyAsync(Fault.Unavailable, ProcessCommand, 0);
        Assert.That(error, Does.Contain("gave up after 3 attempts"));
        Assert.That(_proxy.Injected, Is.EqualTo(3), "Mining:Xmla:Retries 2: three attempts");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task RefusedConnection_IsRetried_ThenOneErrorNamingTheServer()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var closed = Settings(new Uri($"http://127.0.0.1:{port}/xmla"), Path.Combine(_root, "models-folder"), "00:00:02");
        var published = await PublishedAsync();

        var (code, output, error) = await _cli.RunAsync("models", "process", "--model", "market-segments", "--data-dir", Data, "--config", closed);

        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain($"127.0.0.1:{port}/xmla").And.Contain("cannot reach the server").And.Contain("gave up after 3 attempts"));
        Assert.That(error, Does.Not.Contain("   at "));
        Assert.That(await PublishedAsync(), Is.EqualTo(published));
    }

    [Test]
    public async Task AModelTheServerDoesNotHave_IsOneErrorNamingIt()
    {
        var models = Path.Combine(_root, "all-models");
        Directory.CreateDirectory(models);
        foreach (var name in new[] { "market-segments", "customer-segments", "buyer-clusters" })
        {
            File.Copy(Path.Combine(CrashSafetyTests.RepositoryRoot(), "ssas-models", name + ".json"), Path.Combine(models, name + ".json"), overwrite: true);
        }

        var (code, output, error) = await _cli.RunAsync("models", "process", "--model", "buyer-clusters", "--data-dir", Data, "--config", Settings(_proxy.Url, models, "00:00:02"));

        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("'buyer-clusters' is not deployed"));
        Assert.That(error, Does.Not.Contain("   at "));
    }

    [Test]
    public async Task AStructureTheServerDoesNotHave_IsTheServersFaultNamingIt()
    {
        using var client = new Xmla.XmlaClient(new Xmla.XmlaClientOptions { Url = _proxy.Url, Retries = 2 });
        var command = new System.Xml.Linq.XElement(Xmla.Ns.Engine + "Process",
            new System.Xml.Linq.XElement(Xmla.Ns.Engine + "Type", "ProcessFull"),
            new System.Xml.Linq.XElement(Xmla.Ns.Engine + "Object", new System.Xml.Linq.XElement(Xmla.Ns.Engine + "DatabaseID", "SegmentMiner"), new System.Xml.Linq.XElement(Xmla.Ns.Engine + "MiningStructureID", "NoSuchStructure")));
        var before = Volatile.Read(ref _processes);

        var fault = Assert.ThrowsAsync<Xmla.XmlaException>(() => client.ExecuteAsync(command, "SegmentMiner"));

        Assert.That(fault!.Message, Does.Contain("NoSuchStructure").And.Contain(_proxy.Url.Authority));
        Assert.That(Volatile.Read(ref _processes), Is.EqualTo(before));
    }
}
