using SegmentMiner.Cli;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>The warehouse issue's acceptance, end to end through the command line, at full size (20,000 customers).</summary>
[TestFixture]
[NonParallelizable]
public sealed class AcceptanceTests
{
    private TestWarehouse _w = null!;
    private TextWriter _stderr = null!;

    [SetUp]
    public void SetUp()
    {
        _w = new TestWarehouse();
        _stderr = Console.Error;
        Console.SetError(TextWriter.Null);
    }

    [TearDown]
    public void TearDown()
    {
        Console.SetError(_stderr);
        _w.Dispose();
    }

    private async Task Run(params string[] args)
    {
        var code = await CliApp.RunAsync([.. args, "--data-dir", _w.Root], TextWriter.Null);
        Assert.That(code, Is.Zero, string.Join(" ", args));
    }

    [Test]
    public async Task GenerateSyncResyncIncrement_AtTwentyThousandCustomers()
    {
        await Run("sources", "generate", "--customers", "20000", "--seed", "7", "--bad-rows", "25");
        await Run("sync");

        var rejected = await _w.QueryAsync<(string FileName, long LineNumber, string Reason)>("SELECT FileName, LineNumber, Reason FROM ops.RejectedRow");
        Assert.That(rejected, Has.Count.EqualTo(25));
        Assert.That(rejected.All(r => r.FileName.Length > 0 && r.LineNumber > 1 && r.Reason.Length > 0), Is.True);
        foreach (var r in rejected)
        {
            var line = File.ReadLines(Path.Combine(_w.Folder.Sources, r.FileName)).ElementAt((int)r.LineNumber - 1);
            Assert.That(line, Does.StartWith("BAD-"), $"{r.FileName}:{r.LineNumber} is a planted bad row");
        }

        var truth = File.ReadAllLines(_w.Folder.TruthFile).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        var features = (await _w.QueryAsync<string>("SELECT AccountId FROM dw.CustomerFeatures")).ToHashSet();
        Assert.That(features, Has.Count.EqualTo(truth.Count));
        Assert.That(features.SetEquals(truth), Is.True, "the same customers as truth.csv");

        var before = await _w.FingerprintAsync();
        await Run("sync");
        Assert.That(await _w.FingerprintAsync(), Is.EqualTo(before), "a second sync changes no table");

        var invoices = await _w.ScalarAsync<long>("SELECT count(*) FROM dw.FactInvoice");
        var dimRows = await _w.ScalarAsync<long>("SELECT count(*) FROM dw.DimCustomer");
        await Run("sources", "generate", "--customers", "20000", "--seed", "7", "--increment", "1");
        await Run("sync");

        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.FactInvoice"), Is.GreaterThan(invoices));
        var changed = await _w.ScalarAsync<long>(
            """
            SELECT count(*) FROM dw.DimCustomer d
            WHERE d.IsCurrent AND EXISTS (SELECT 1 FROM dw.DimCustomer o WHERE o.AccountId = d.AccountId AND NOT o.IsCurrent AND o.ValidTo = d.ValidFrom)
              AND d.BatchId = (SELECT max(BatchId) FROM ops.Batch)
            """);
        Assert.That(changed, Is.EqualTo(200), "the increment changes the firmographics of 1% of accounts: open new type-2 rows that follow the closed ones");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.DimCustomer"), Is.GreaterThan(dimRows + changed - 1));
        var truthAfter = File.ReadAllLines(_w.Folder.TruthFile).Length - 1;
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures"), Is.EqualTo(truthAfter), "new customers arrive");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM (SELECT InvoiceId FROM dw.FactInvoice GROUP BY InvoiceId HAVING count(*) > 1)"), Is.Zero);
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM (SELECT InvoiceId, ModifiedAt FROM stg.Invoice GROUP BY ALL HAVING count(*) > 1)"), Is.Zero);
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM (SELECT AccountId FROM dw.DimCustomer WHERE IsCurrent GROUP BY AccountId HAVING count(*) > 1)"), Is.Zero);
    }
}
