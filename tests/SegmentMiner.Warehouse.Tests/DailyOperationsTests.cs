using System.Diagnostics;
using System.Text;
using SegmentMiner.Cli;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>What a worker's hourly sync meets in daily operation: readers, corrections, half-written drops, mixed line endings.</summary>
[TestFixture]
public sealed class DailyOperationsTests
{
    private TestWarehouse _w = null!;

    [SetUp]
    public void SetUp() => _w = new TestWarehouse();

    [TearDown]
    public void TearDown() => _w.Dispose();

    [Test]
    public async Task AResentFileWithTheHeaderFixed_CorrectsTheVersionsItHadLoaded()
    {
        const string misspelled = "AccountId,Name,Industry,Country,Regoin,EmployeeBand,AnnualRevenueBand,CreatedAt,ModifiedAt,IsDeleted";
        string[] rows = ["A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0", "A2,Two,Retail,Japan,Asia Pacific,1-10,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0"];
        _w.Write("crm", "accounts.csv", misspelled, rows);
        await _w.SyncAsync();
        Assert.That(await _w.QueryAsync<string?>("SELECT Region FROM dw.DimCustomer ORDER BY AccountId"), Is.EqualTo(new string?[] { null, null }));

        _w.Write("crm", "accounts.csv", H.Accounts, rows);
        var r = await _w.SyncAsync();
        Assert.That(r.UpToDate, Is.False, "the same name with other content is read again");
        Assert.That(await _w.QueryAsync<string?>("SELECT Region FROM dw.DimCustomer ORDER BY AccountId"), Is.EqualTo(new[] { "Europe", "Asia Pacific" }));
        Assert.That(await _w.QueryAsync<string?>("SELECT Region FROM dw.CustomerFeatures ORDER BY AccountId"), Is.EqualTo(new[] { "Europe", "Asia Pacific" }));
        var corrections = await _w.QueryAsync<(string FileName, long LineNumber, string RowKey, long PreviousBatchId, string PreviousHash, string NewHash)>(
            "SELECT FileName, LineNumber, RowKey, PreviousBatchId, PreviousHash, NewHash FROM ops.Correction ORDER BY LineNumber");
        Assert.That(corrections.Select(c => (c.FileName, c.LineNumber, c.RowKey, c.PreviousBatchId)), Is.EqualTo(new[] { ("crm/accounts.csv", 2L, "A1", 1L), ("crm/accounts.csv", 3L, "A2", 1L) }));
        Assert.That(corrections.All(c => c.PreviousHash.Length == 32 && c.NewHash.Length == 32 && c.PreviousHash != c.NewHash), Is.True);
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Account"), Is.EqualTo(2), "a correction replaces the version; it does not add one");

        // The same rows sent once more under another name are unchanged: nothing is corrected twice.
        _w.Write("crm", "accounts-resent.csv", H.Accounts, rows);
        await _w.SyncAsync();
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM ops.Correction"), Is.EqualTo(2));
    }

    [Test]
    public async Task ADropReadHalfWritten_LoadsEveryRowOnce_WhenItIsComplete()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        var lines = Enumerable.Range(1, 40).Select(i => $"I{i:D2},A1,,2025-01-{i % 28 + 1:D2},2025-03-31,,{i}.25,USD,Paid,2025-02-01T00:00:00Z,0").ToList();
        var full = H.Invoices + "\n" + string.Join("\n", lines) + "\n";
        var path = Path.Combine(_w.Folder.SourceFolder("billing"), "invoices-today.csv");
        File.WriteAllText(path, full[..(full.IndexOf("I31,", StringComparison.Ordinal) + 17)], new UTF8Encoding(false)); // 30 rows and a piece of the 31st
        var first = await _w.SyncAsync();
        Assert.That(first.Entities.Single(e => e.Entity == "invoices"), Has.Property("Loaded").EqualTo(30).And.Property("Rejected").EqualTo(1));

        File.WriteAllText(path, full, new UTF8Encoding(false));
        var second = await _w.SyncAsync();
        Assert.That(second.Entities.Single(e => e.Entity == "invoices"), Has.Property("Read").EqualTo(40).And.Property("Loaded").EqualTo(10).And.Property("Unchanged").EqualTo(30));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Invoice"), Is.EqualTo(40));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(DISTINCT InvoiceId) FROM stg.Invoice"), Is.EqualTo(40), "every row staged once");
        Assert.That(await _w.ScalarAsync<decimal>("SELECT sum(Amount) FROM dw.FactInvoice"), Is.EqualTo(lines.Count * 0.25m + (40 * 41 / 2)));
    }

    [Test]
    public async Task MixedLineEndings_AreRead_AndABrokenLineIsRejectedWithItsLine()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        var text = H.Invoices + "\r\n" +
                   "I1,A1,,2025-01-01,2025-01-31,,10.00,USD,Paid,2025-01-01T00:00:00Z,0\n" +
                   "I2,A1,,2025-01-02,2025-01-31,,20.00,USD,Paid,2025-01-01T00:00:00Z,0\r\n" +
                   "I3,A1,,2025-01-03\r\n" +
                   "I4,A1,,2025-01-04,2025-01-31,,40.00,USD,Paid,2025-01-01T00:00:00Z,0\n";
        File.WriteAllText(Path.Combine(_w.Folder.SourceFolder("billing"), "invoices.csv"), text, new UTF8Encoding(false));
        var r = await _w.SyncAsync();
        Assert.That(r.Entities.Single(e => e.Entity == "invoices"), Has.Property("Loaded").EqualTo(3).And.Property("Rejected").EqualTo(1));
        Assert.That(await _w.QueryAsync<string>("SELECT InvoiceId || ':' || LineNumber FROM stg.Invoice ORDER BY InvoiceId"), Is.EqualTo(new[] { "I1:2", "I2:3", "I4:5" }));
        Assert.That(await _w.QueryAsync<(string, long)>("SELECT FileName, LineNumber FROM ops.RejectedRow"), Is.EqualTo(new[] { ("billing/invoices.csv", 4L) }));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Invoice WHERE contains(Status, chr(13))"), Is.Zero, "no carriage return is left in a value");
    }

    [Test]
    public async Task AReaderHoldingTheWarehouse_MakesSyncWait_ThenExit3_AndTheFailureIsRecorded()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            Assert.Ignore("needs /proc (Linux) to see when the reader process has the warehouse open");
        }

        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        await _w.SyncAsync();
        _w.Write("crm", "accounts-2.csv", H.Accounts, "A2,Two,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");

        // A long 'segminer sql' in another process: a read-only connection held open, as a report tool's would be.
        using var reader = StartReader("SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3");
        try
        {
            await WaitUntilHeldAsync(reader);
            using var cli = new CliRun();
            var watch = Stopwatch.StartNew();
            var settings = Path.Combine(_w.Root, "lock-timeout.json");
            File.WriteAllText(settings, """{ "Sync": { "LockTimeout": "00:00:03" } }""");
            var (code, _, err) = await cli.RunAsync("--data-dir", _w.Root, "--config", settings, "sync", "--as-of", "2026-11-15");
            Assert.That(code, Is.EqualTo(3), err);
            Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2.5)), "it waited Sync:LockTimeout first");
            Assert.That(err, Does.Contain("waiting up to 3 s").And.Contain("in use by another process").And.Contain($"PID {reader.Id}"));
        }
        finally
        {
            reader.Kill();
            await reader.WaitForExitAsync();
        }

        await _w.SyncAsync();
        var batches = await _w.QueryAsync<(string Status, string? Message)>("SELECT Status, Message FROM ops.Batch ORDER BY BatchId");
        Assert.That(batches.Select(b => b.Status), Is.EqualTo(new[] { "Committed", "Failed", "Committed" }));
        Assert.That(batches[1].Message, Does.Contain("in use by another process"));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures"), Is.EqualTo(2));
    }

    private Process StartReader(string sql)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(CliApp).Assembly.Location, "--data-dir", _w.Root, "sql", sql })
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start)!;
    }

    /// <summary>
    /// Waits until the reader has the warehouse file open (seen in its /proc file descriptors; a probe that opened
    /// the file itself would be the holder the reader meets).
    /// </summary>
    private async Task WaitUntilHeldAsync(Process reader)
    {
        var file = Path.GetFullPath(_w.Warehouse.FilePath);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && !reader.HasExited)
        {
            var open = Directory.EnumerateFiles($"/proc/{reader.Id}/fd").Select(fd =>
            {
                try
                {
                    return new FileInfo(fd).LinkTarget;
                }
                catch (IOException)
                {
                    return null;
                }
            });
            if (open.Contains(file))
            {
                await Task.Delay(200);
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the reader never opened the warehouse: " + (reader.HasExited ? await reader.StandardError.ReadToEndAsync() : "still running"));
    }

    [Test]
    public async Task ASyncStoppedAfterItsMerge_LeavesTheBatchMerged_AndTheNextSyncRebuildsTheDerivedLayers()
    {
        _w.Write("crm", "accounts.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "A2,Two,Retail,Japan,Asia Pacific,1-10,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        using var stop = new CancellationTokenSource();
        var log = new StopOnMessage("features and snapshots:", stop);
        var asOf = new DateOnly(2026, 11, 15);
        Assert.That(async () => await new SegmentMiner.Warehouse.Sync.SyncService(_w.Options, _w.Folder, log).RunAsync(asOf, stop.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await _w.QueryAsync<(string, string)>("SELECT Status, Message FROM ops.Batch"),
            Is.EqualTo(new[] { ("Merged", "stopped before its features and snapshots were refreshed; its rows are merged, and the next sync rebuilds features and snapshots") }));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.DimCustomer"), Is.EqualTo(2), "the merge was committed");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures"), Is.Zero, "the features were rolled back");

        var next = await _w.SyncAsync();
        Assert.That(next.Derived, Is.EqualTo("full rebuild"), "nothing new, but the derived layers were pending");
        Assert.That(await _w.QueryAsync<string>("SELECT AccountId FROM dw.CustomerFeatures ORDER BY 1"), Is.EqualTo(new[] { "A1", "A2" }));
        Assert.That(await _w.QueryAsync<(long, string, string?)>("SELECT BatchId, Status, Message FROM ops.Batch ORDER BY 1"),
            Is.EqualTo(new (long, string, string?)[] { (1, "Committed", "features and snapshots rebuilt by batch 2"), (2, "Committed", null) }));
        Assert.That((await _w.SyncAsync()).UpToDate, Is.True, "and then nothing is pending");
    }

    /// <summary>Cancels a sync when it logs a message starting with the given text.</summary>
    private sealed class StopOnMessage(string prefix, CancellationTokenSource stop) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).StartsWith(prefix, StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        }
    }
}
