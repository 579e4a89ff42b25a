using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.Tests;

[TestFixture]
public sealed class SyncTests
{
    private TestWarehouse _w = null!;

    [SetUp]
    public void SetUp() => _w = new TestWarehouse();

    [TearDown]
    public void TearDown() => _w.Dispose();

    [Test]
    public async Task Sync_NewestModifiedAtWins_WhateverTheFileOrder()
    {
        _w.Write("crm", "accounts-1.csv", H.Accounts,
            "A1,Acme New,Software,Germany,Europe,51-200,,2024-01-01T00:00:00Z,2025-06-01T00:00:00Z,0",
            "A1,Acme Old,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,0");
        await _w.SyncAsync();
        _w.Write("crm", "accounts-2.csv", H.Accounts,
            "A1,Acme Stale,Retail,France,Europe,1-10,,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z,0");
        await _w.SyncAsync();

        var current = await _w.QueryAsync<(string Name, string EmployeeBand)>("SELECT Name, EmployeeBand FROM dw.CustomerFeatures");
        Assert.That(current, Is.EqualTo(new[] { ("Acme New", "51-200") }));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Account WHERE AccountId = 'A1'"), Is.EqualTo(3), "every version is kept as history");

        // Type 2: three firmographic periods in ModifiedAt order, the stale one in the middle, one current row.
        var dim = await _w.QueryAsync<(string EmployeeBand, bool IsCurrent, string Name)>(
            "SELECT EmployeeBand, IsCurrent, Name FROM dw.DimCustomer WHERE AccountId = 'A1' ORDER BY ValidFrom");
        Assert.That(dim.Select(d => d.EmployeeBand), Is.EqualTo(new[] { "11-50", "1-10", "51-200" }));
        Assert.That(dim.Select(d => d.IsCurrent), Is.EqualTo(new[] { false, false, true }));
        Assert.That(dim.Select(d => d.Name).Distinct(), Is.EqualTo(new[] { "Acme New" }), "Name is type 1: the newest everywhere");
    }

    [Test]
    public async Task Sync_TypeTwoKeysAreStable_WhenAnotherAccountChanges()
    {
        _w.Write("crm", "accounts-1.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "A2,Two,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        await _w.SyncAsync();
        var before = await _w.QueryAsync<(long Key, string Id)>("SELECT CustomerKey, AccountId FROM dw.DimCustomer ORDER BY AccountId");
        _w.Write("crm", "accounts-2.csv", H.Accounts, "A2,Two,Software,Germany,Europe,51-200,,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z,0");
        await _w.SyncAsync();

        var after = await _w.QueryAsync<(long Key, string Id, bool IsCurrent, DateTime? ValidTo)>(
            "SELECT CustomerKey, AccountId, IsCurrent, ValidTo FROM dw.DimCustomer ORDER BY AccountId, ValidFrom");
        Assert.That(after, Has.Count.EqualTo(3));
        Assert.That(after.Take(2).Select(a => (a.Key, a.Id)), Is.EqualTo(before), "existing periods keep their surrogate keys");
        Assert.That(after[1].ValidTo, Is.EqualTo(new DateTime(2025, 1, 1)), "the old period closes when the new one starts");
        Assert.That(after[2].IsCurrent, Is.True);
    }

    [Test]
    public async Task Sync_DeletedAccount_LeavesCurrentDataButKeepsHistory()
    {
        _w.Write("crm", "accounts-1.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "A2,Two,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "A2,Two,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2025-03-01T00:00:00Z,1");
        await _w.SyncAsync();

        Assert.That(await _w.QueryAsync<string>("SELECT AccountId FROM dw.CustomerFeatures"), Is.EqualTo(new[] { "A1" }));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Account WHERE AccountId = 'A2'"), Is.EqualTo(2));
        var closed = await _w.QueryAsync<(bool IsCurrent, DateTime? ValidTo)>("SELECT IsCurrent, ValidTo FROM dw.DimCustomer WHERE AccountId = 'A2'");
        Assert.That(closed, Is.EqualTo(new[] { (false, (DateTime?)new DateTime(2025, 3, 1)) }), "the delete closes the open period");
    }

    [Test]
    public async Task Sync_RejectedRows_KeepFileLineReasonAndRawRow_AndGoodRowsLoad()
    {
        var rows = Enumerable.Range(1, 60).Select(i => $"A{i},Co {i},Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0").ToList();
        rows.Insert(10, "A99,,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        rows.Insert(20, "A98,Bad Band,Software,Germany,Europe,huge,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        rows.Insert(30, ",No Key,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        rows.Insert(40, "A97,Bad Date,Software,Germany,Europe,11-50,,01/02/2024,2024-01-01T00:00:00Z,0");
        var path = _w.Write("crm", "accounts.csv", H.Accounts, rows.ToArray());
        _w.Write("billing", "invoices.csv", H.Invoices,
            "I1,A1,,2025-01-01,2025-01-31,,100.00,USD,Paid,2025-01-01T00:00:00Z,0",
            "I2,NOBODY,,2025-01-01,2025-01-31,,100.00,USD,Paid,2025-01-01T00:00:00Z,0");
        var opts = _w.Options;
        opts.Sync.MaxRejectedFraction = 0.5;

        var result = await _w.SyncAsync();

        var rejected = await _w.QueryAsync<(string FileName, long LineNumber, string Reason, string RawData)>(
            "SELECT FileName, LineNumber, Reason, RawData FROM ops.RejectedRow ORDER BY RejectedRowId");
        var lines = File.ReadAllLines(path);
        Assert.Multiple(() =>
        {
            Assert.That(rejected.Select(r => r.Reason), Is.EqualTo(new[]
            {
                "missing required value Name",
                "unknown EmployeeBand value: huge",
                "missing key AccountId",
                "unparsable timestamp (ISO 8601) in CreatedAt: 01/02/2024",
                "unknown account NOBODY",
            }));
            foreach (var r in rejected.Where(r => r.FileName == "crm/accounts.csv"))
            {
                var line = lines[r.LineNumber - 1];
                Assert.That(r.RawData, Does.Contain(line.Split(',')[1] is "" ? "null" : line.Split(',')[1]), $"line {r.LineNumber} is the rejected row");
            }

            Assert.That(rejected.Select(r => r.LineNumber).Take(4), Is.EqualTo(new long[] { 12, 22, 32, 42 }));
            Assert.That(result.Entities.Single(e => e.Entity == "accounts").Loaded, Is.EqualTo(60));
            Assert.That(result.Entities.Single(e => e.Entity == "accounts").Rejected, Is.EqualTo(4));
        });
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.FactInvoice"), Is.EqualTo(1));
    }

    [Test]
    public async Task Sync_MalformedCsvLines_AreRejectedWithTheirLine_AndLaterRowsKeepTheirs()
    {
        var rows = Enumerable.Range(1, 40).Select(i => $"A{i},Co {i},Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0").ToList();
        rows.Insert(5, "A90,Too,Many,Columns,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0,extra");
        rows.Insert(6, "A91,Too few");
        rows.Insert(20, "A92,\"Quoted, with comma\",Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        rows.Insert(30, "A93,Unquoted 12,5 value,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Write("crm", "accounts.csv", H.Accounts, rows.ToArray());
        _w.Options.Sync.MaxRejectedFraction = 0.2;

        var result = await _w.SyncAsync();

        var rejected = await _w.QueryAsync<(long LineNumber, string Reason, string RawData)>("SELECT LineNumber, Reason, RawData FROM ops.RejectedRow ORDER BY LineNumber");
        Assert.That(rejected.Select(r => r.LineNumber), Is.EqualTo(new long[] { 7, 8, 32 }));
        Assert.That(rejected.All(r => r.Reason.StartsWith("malformed CSV row: ", StringComparison.Ordinal)), Is.True);
        Assert.That(rejected[0].RawData, Does.StartWith("A90,"));
        var lines = await _w.QueryAsync<(string AccountId, long LineNumber)>("SELECT AccountId, LineNumber FROM stg.Account");
        var expected = File.ReadAllLines(Path.Combine(_w.Folder.SourceFolder("crm"), "accounts.csv"))
            .Select((l, i) => (Id: l.Split(',')[0], Line: (long)i + 1)).Where(x => x.Line > 1 && x.Id is not ("A90" or "A91" or "A93"));
        Assert.That(lines.OrderBy(l => l.LineNumber), Is.EqualTo(expected.Select(e => (e.Id, e.Line))), "every staged row knows its line");
        Assert.That(result.Entities.Single(e => e.Entity == "accounts").Read, Is.EqualTo(44));
        Assert.That(result.Entities.Single(e => e.Entity == "accounts").Rejected, Is.EqualTo(3));
    }

    [Test]
    public async Task Sync_FileOverRejectedFraction_FailsTheWholeBatch_AndKeepsNothing()
    {
        _w.Options.Sync.MaxRejectedRows = 0;
        _w.Write("crm", "accounts.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        await _w.SyncAsync();
        var before = await _w.FingerprintAsync();
        _w.Write("crm", "accounts-2.csv", H.Accounts,
            "A2,Two,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Write("billing", "invoices.csv", H.Invoices,
            "I1,A1,,2025-01-01,2025-01-31,,100.00,USD,Paid,2025-01-01T00:00:00Z,0",
            "I2,A1,,2025-01-01,2025-01-31,,1.2.3,USD,Paid,2025-01-01T00:00:00Z,0");

        var ex = Assert.ThrowsAsync<WarehouseException>(() => _w.SyncAsync());
        Assert.That(ex!.Message, Does.Contain("billing/invoices.csv").And.Contain("1 of 2 rows rejected").And.Contain("line 3"));

        var after = await _w.FingerprintAsync();
        var failed = await _w.QueryAsync<(string Status, string Message)>("SELECT Status, Message FROM ops.Batch WHERE Status <> 'Committed'");
        Assert.That(failed.Single().Status, Is.EqualTo("Failed"), "the failure is in the run history");
        after.Remove("ops.Batch");
        before.Remove("ops.Batch");
        Assert.That(after, Is.EqualTo(before), "the accounts file of the failed batch is not kept either");

        // Fixing the file makes the next sync load both files.
        _w.Write("billing", "invoices.csv", H.Invoices, "I1,A1,,2025-01-01,2025-01-31,,100.00,USD,Paid,2025-01-01T00:00:00Z,0");
        await _w.SyncAsync();
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures"), Is.EqualTo(2));
    }

    [Test]
    public async Task Sync_MissingRequiredColumn_NamesFileAndColumn()
    {
        _w.Write("crm", "accounts.csv", "AccountId,Name,Industry,Country,CreatedAt,ModifiedAt", "A1,One,Software,Germany,2024-01-01,2024-01-01");
        var ex = Assert.ThrowsAsync<WarehouseException>(() => _w.SyncAsync());
        Assert.That(ex!.Message, Does.Contain("crm/accounts.csv").And.Contain("EmployeeBand"));
        var history = await _w.QueryAsync<(string Status, string Message)>("SELECT Status, Message FROM ops.Batch");
        Assert.That(history.Single().Status, Is.EqualTo("Failed"), "a run that fails while reading is in the run history too");
        Assert.That(history.Single().Message, Does.Contain("EmployeeBand"));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Account"), Is.Zero);
    }

    [Test]
    public async Task Sync_SmallFileWithOneBadRow_LoadsTheRest_UpToMaxRejectedRows()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        var invoices = Enumerable.Range(1, 9).Select(i => $"I{i},A1,,2025-01-0{i},2025-01-31,,100.00,USD,Paid,2025-01-01T00:00:00Z,0")
            .Append("I10,A1,,2025-01-10,2025-01-31,,12;50,USD,Paid,2025-01-01T00:00:00Z,0").ToArray();
        _w.Write("billing", "invoices-day1.csv", H.Invoices, invoices);
        var r = await _w.SyncAsync();
        Assert.That(r.Entities.Single(e => e.Entity == "invoices").Loaded, Is.EqualTo(9), "one bad row of 10 (10 %) is within the default Sync:MaxRejectedRows (10)");
        Assert.That(await _w.QueryAsync<(long, string)>("SELECT LineNumber, Reason FROM ops.RejectedRow"),
            Is.EqualTo(new[] { (11L, "unparsable decimal in Amount: 12;50") }));

        // Past the allowance, the fraction rule applies again: 11 bad rows of 11 fail the batch.
        _w.Write("billing", "invoices-day2.csv", H.Invoices,
            Enumerable.Range(1, 11).Select(i => $"J{i},A1,,2025-02-01,2025-02-28,,bad,USD,Paid,2025-02-01T00:00:00Z,0").ToArray());
        var ex = Assert.ThrowsAsync<WarehouseException>(() => _w.SyncAsync());
        Assert.That(ex!.Message, Does.Contain("invoices-day2.csv").And.Contain("11 of 11 rows rejected").And.Contain("Sync:MaxRejectedRows (10)"));
    }

    [Test]
    public async Task Sync_FileAlreadyLoaded_IsSkipped_AndAChangedFileIsReadAgainWhole()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        await _w.SyncAsync();
        var fingerprint = await _w.FingerprintAsync();

        var again = await _w.SyncAsync();
        Assert.That(again.UpToDate, Is.True);
        Assert.That(await _w.FingerprintAsync(), Is.EqualTo(fingerprint), "a second sync changes no table");

        // Touched (a new modification time) but the same content: hashed, recognised, not loaded again.
        File.SetLastWriteTimeUtc(Path.Combine(_w.Folder.SourceFolder("crm"), "accounts.csv"), DateTime.UtcNow.AddMinutes(1));
        Assert.That((await _w.SyncAsync()).UpToDate, Is.True);

        _w.Write("crm", "accounts.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "A1,Changed,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-06-01T00:00:00Z,0");
        var changed = await _w.SyncAsync();
        Assert.That(changed.Entities.Single(e => e.Entity == "accounts"), Has.Property("Read").EqualTo(2).And.Property("Loaded").EqualTo(1).And.Property("Unchanged").EqualTo(1));
        Assert.That(await _w.QueryAsync<string>("SELECT Name FROM dw.CustomerFeatures"), Is.EqualTo(new[] { "Changed" }), "the new version loads");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Account"), Is.EqualTo(2), "the version already staged is not staged twice");
    }

    [Test]
    public async Task Sync_NewAsOf_RecomputesFeatures_WithoutNewFiles()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        await _w.SyncAsync("2026-11-15");
        var r = await _w.SyncAsync("2026-12-15");
        Assert.That(r.UpToDate, Is.False);
        Assert.That(await _w.ScalarAsync<int>("SELECT TenureMonths FROM dw.CustomerFeatures"), Is.EqualTo(35));
    }

    [Test]
    public async Task Sync_ForeignCurrency_ConvertsWithLatestRateOnOrBefore_AndRejectsWithoutRate()
    {
        _w.Write("billing", "fx_rates.csv", H.FxRates, "EUR,2025-01-01,1.10", "EUR,2025-02-01,1.20", "GBP,2025-03-01,1.30");
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Write("billing", "invoices.csv", H.Invoices,
            "I1,A1,,2025-01-15,2025-02-15,,100.00,EUR,Paid,2025-01-15T00:00:00Z,0",
            "I2,A1,,2025-02-01,2025-03-01,,100.00,EUR,Paid,2025-02-01T00:00:00Z,0",
            "I3,A1,,2025-02-01,2025-03-01,,100.00,,Paid,2025-02-01T00:00:00Z,0",
            "I4,A1,,2025-02-01,2025-03-01,,100.00,GBP,Paid,2025-02-01T00:00:00Z,0",
            "I5,A1,,2025-02-01,2025-03-01,,100.00,USD,Paid,2025-02-01T00:00:00Z,0");
        _w.Options.Sync.MaxRejectedFraction = 0.5;
        await _w.SyncAsync();

        var amounts = await _w.QueryAsync<(string Id, decimal Amount, decimal Original, string Currency)>(
            "SELECT InvoiceId, Amount, OriginalAmount, Currency FROM dw.FactInvoice ORDER BY InvoiceId");
        Assert.That(amounts, Is.EqualTo(new[]
        {
            ("I1", 110.00m, 100.00m, "EUR"), ("I2", 120.00m, 100.00m, "EUR"), ("I3", 100.00m, 100.00m, "USD"), ("I5", 100.00m, 100.00m, "USD"),
        }));
        Assert.That(await _w.QueryAsync<string>("SELECT Reason FROM ops.RejectedRow"), Is.EqualTo(new[] { "no fx rate for GBP on or before 2025-02-01" }));
    }

    [Test]
    public async Task Money_SubCentAmounts_SumExactly_AndOriginalsAreTheSourceValues()
    {
        _w.Write("billing", "fx_rates.csv", H.FxRates, "EUR,2025-01-01,1.0837");
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Write("billing", "subscriptions.csv", H.Subscriptions,
            "S1,A1,Core,Pro,2025-01-01,,33.3333,USD,Active,2025-01-01T00:00:00Z,0",
            "S2,A1,Seats,Pro,2025-01-01,,33.3333,,Active,2025-01-01T00:00:00Z,0",
            "S3,A1,Api,Pro,2025-01-01,,33.3334,USD,Active,2025-01-01T00:00:00Z,0",
            "S4,A1,Eu,Pro,2025-01-01,,10.0049,EUR,Active,2025-01-01T00:00:00Z,0",
            "S5,A1,Big,Pro,2025-01-01,,12345678901234.5678,USD,Active,2025-01-01T00:00:00Z,0");
        await _w.SyncAsync();

        var rows = await _w.QueryAsync<(string Id, decimal Mrr, decimal Original)>("SELECT SubscriptionId, Mrr, OriginalMrr FROM dw.FactSubscription ORDER BY SubscriptionId");
        Assert.That(rows.Select(r => r.Original), Is.EqualTo(new[] { 33.3333m, 33.3333m, 33.3334m, 10.0049m, 12345678901234.5678m }), "OriginalMrr is the source's value");
        Assert.That(rows.Where(r => r.Id != "S4").All(r => r.Mrr == r.Original), "a reporting-currency amount is not converted");
        Assert.That(rows.Single(r => r.Id == "S4").Mrr, Is.EqualTo(Math.Round(10.0049m * 1.0837m, 4)), "converted once, to four decimals");
        var expected = 33.3333m + 33.3333m + 33.3334m + Math.Round(10.0049m * 1.0837m, 4) + 12345678901234.5678m;
        Assert.That(await _w.ScalarAsync<decimal>("SELECT Mrr FROM dw.CustomerFeatures WHERE AccountId = 'A1'"), Is.EqualTo(expected), "the sum at full precision, not of cent-rounded parts");
    }

    [Test]
    public async Task Sync_ParquetAndBomAndHeaderCase_AreRead()
    {
        var csv = "\uFEFFaccountid,NAME,Industry,Country,Region,EmployeeBand,AnnualRevenueBand,CreatedAt,ModifiedAt,IsDeleted,Extra\n" +
                  "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00+02:00,2024-01-01T00:00:00,0,x\n";
        File.WriteAllText(Path.Combine(_w.Folder.SourceFolder("crm"), "accounts.csv"), csv);
        var parquet = Path.Combine(_w.Folder.SourceFolder("billing"), "subscriptions.parquet");
        using (var db = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"""
                COPY (SELECT 'S1' AS SubscriptionId, 'A1' AS AccountId, 'Core' AS Product, NULL AS Plan, DATE '2025-01-01' AS StartDate,
                             CAST(NULL AS DATE) AS EndDate, 250.5 AS Mrr, 'USD' AS Currency, 'Active' AS Status,
                             TIMESTAMP '2025-01-01 10:00:00' AS ModifiedAt, false AS IsDeleted)
                TO '{parquet}' (FORMAT parquet)
                """;
            cmd.ExecuteNonQuery();
        }

        await _w.SyncAsync();

        Assert.That(await _w.ScalarAsync<DateTime>("SELECT CreatedAt FROM stg.Account"), Is.EqualTo(new DateTime(2023, 12, 31, 22, 0, 0)), "offsets are converted to UTC");
        Assert.That(await _w.ScalarAsync<decimal>("SELECT Mrr FROM dw.CustomerFeatures"), Is.EqualTo(250.50m));
    }

    [Test]
    public async Task Sync_SecondWriter_WaitsThenFailsClearly()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Options.Sync.LockTimeout = TimeSpan.FromMilliseconds(300);
        using var held = WriterLock.Acquire(_w.Folder.LockFile, TimeSpan.Zero);
        var ex = Assert.ThrowsAsync<WarehouseLockedException>(() => _w.SyncAsync());
        Assert.That(ex!.Message, Does.Contain("locked by another process"));
    }
}
