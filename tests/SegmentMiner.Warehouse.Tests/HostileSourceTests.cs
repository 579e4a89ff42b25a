using System.Text;
using Dapper;
using DuckDB.NET.Data;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// Source files as an unlucky operator or a hostile one drops them: an extra column named like DuckDB's row id, file
/// names with glob characters, amounts at the contract's limits, an unterminated quote, impossible offsets and years,
/// Parquet doubles, a file still being written. Each was a defect; each test fails without its fix.
/// </summary>
[TestFixture]
public sealed class HostileSourceTests
{
    private const string Row = ",Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0";
    private TestWarehouse _w = null!;

    [SetUp]
    public void SetUp() => _w = new TestWarehouse();

    [TearDown]
    public void TearDown() => _w.Dispose();

    [Test]
    public async Task ExtraColumnNamedRowid_IsIgnoredLikeAnyUnknownColumn()
    {
        _w.Write("crm", "accounts.csv", H.Accounts + ",rowid,ROWID2", "A1,One" + Row + ",x,y", "A2,Two" + Row + ",z,w");

        var result = await _w.SyncAsync();

        Assert.That(result.Entities.Single(e => e.Entity == "accounts").Loaded, Is.EqualTo(2));
        Assert.That(await _w.QueryAsync<(string, long)>("SELECT AccountId, LineNumber FROM stg.Account ORDER BY 1"), Is.EqualTo(new[] { ("A1", 2L), ("A2", 3L) }));
    }

    [Test]
    public async Task ExtraColumnNamedRowid_InParquet_IsIgnoredToo()
    {
        var path = Path.Combine(_w.Folder.SourceFolder("crm"), "accounts.parquet");
        await using (var db = new DuckDBConnection("Data Source=:memory:"))
        {
            await db.OpenAsync();
            await db.ExecuteAsync($"""
                COPY (SELECT 'A' || i AS AccountId, 'Co' AS Name, 'Software' AS Industry, 'Germany' AS Country, '11-50' AS EmployeeBand, TIMESTAMP '2024-01-01' AS CreatedAt,
                             TIMESTAMP '2024-01-01' AS ModifiedAt, 100 - i AS "rowid" FROM range(1, 4) t(i)) TO '{path}' (FORMAT parquet)
                """);
        }

        await _w.SyncAsync();

        Assert.That(await _w.QueryAsync<(string, long)>("SELECT AccountId, LineNumber FROM stg.Account ORDER BY 1"), Is.EqualTo(new[] { ("A1", 1L), ("A2", 2L), ("A3", 3L) }));
    }

    [Test]
    public async Task FileNamesWithGlobCharacters_AreReadAsTheOneFileTheyName()
    {
        _w.Write("crm", "accounts-z-?.csv", H.Accounts, "A1,One" + Row);
        _w.Write("crm", "accounts-z-a.csv", H.Accounts, "A2,Two" + Row, "A3,Three" + Row);
        _w.Write("crm", "accounts-[z]*.csv", H.Accounts, "A4,Four" + Row);

        await _w.SyncAsync();

        var files = await _w.QueryAsync<(string, long)>("SELECT FileName, RowsRead FROM ops.SourceFile ORDER BY 1");
        Assert.That(files, Is.EqualTo(new[] { ("crm/accounts-[z]*.csv", 1L), ("crm/accounts-z-?.csv", 1L), ("crm/accounts-z-a.csv", 2L) }));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Account"), Is.EqualTo(4));
    }

    [Test]
    public async Task TimestampsWithImpossibleOffsetsOrYearZero_AreRejectedWithTheirLine()
    {
        _w.Write("crm", "accounts.csv", H.Accounts,
            "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00+25:00,2024-01-01T00:00:00Z,0",
            "A2,Two,Software,Germany,Europe,11-50,,0000-01-01T00:00:00Z,2024-01-01T00:00:00Z,0",
            "A3,Three,Software,Germany,Europe,11-50,,2024-01-01T00:00:00+14:00,2024-01-01T00:00:00-12:00,0",
            "A4,Four,Software,Germany,Europe,11-50,,2024-01-01T00:00:00+05:75,2024-01-01T00:00:00Z,0",
            "A5,Five,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        _w.Write("billing", "invoices.csv", H.Invoices,
            "I1,A5,,0000-02-01,2025-01-31,,100.00,EUR,Paid,2025-01-01T00:00:00Z,0",
            "I2,A5,,2025-02-01,2025-02-28,,100.00,EUR,Paid,2025-01-01T00:00:00Z,0");
        _w.Write("billing", "fx_rates.csv", H.FxRates, "EUR,2020-01-01,1.1");
        _w.Options.Sync.MaxRejectedFraction = 1;

        await _w.SyncAsync();

        var rejected = await _w.QueryAsync<(string, long, string)>("SELECT Entity, LineNumber, Reason FROM ops.RejectedRow ORDER BY 1, 2");
        Assert.That(rejected.Select(r => (r.Item1, r.Item2)), Is.EqualTo(new[] { ("accounts", 2L), ("accounts", 3L), ("accounts", 5L), ("invoices", 2L) }), string.Join("; ", rejected));
        Assert.That(rejected[0].Item3, Is.EqualTo("unparsable timestamp (ISO 8601) in CreatedAt: 2024-01-01T00:00:00+25:00"));
        Assert.That(rejected[3].Item3, Is.EqualTo("unparsable date (yyyy-MM-dd) in InvoiceDate: 0000-02-01"));
        Assert.That(await _w.QueryAsync<string>("SELECT AccountId FROM stg.Account ORDER BY 1"), Is.EqualTo(new[] { "A3", "A5" }));
    }

    [Test]
    public async Task ParquetDoubles_AreReadAsTheirDecimalValue_NotTheirScientificText()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One" + Row);
        var path = Path.Combine(_w.Folder.SourceFolder("billing"), "invoices.parquet");
        await using (var db = new DuckDBConnection("Data Source=:memory:"))
        {
            await db.OpenAsync();
            await db.ExecuteAsync($"""
                COPY (SELECT * FROM (VALUES ('I1', 0.00001::DOUBLE), ('I2', 1234.5678::DOUBLE), ('I3', 1e300::DOUBLE), ('I4', 'nan'::DOUBLE), ('I5', 12.34::FLOAT)) v(id, amount))
                TO '{path}' (FORMAT parquet)
                """);
            await db.ExecuteAsync($"""
                COPY (SELECT id AS InvoiceId, 'A1' AS AccountId, DATE '2025-01-01' AS InvoiceDate, DATE '2025-01-31' AS DueDate, amount AS Amount, 'Paid' AS Status, TIMESTAMP '2025-01-01' AS ModifiedAt
                      FROM '{path}') TO '{path}.tmp' (FORMAT parquet)
                """);
        }

        File.Move(path + ".tmp", path, overwrite: true);
        _w.Options.Sync.MaxRejectedFraction = 1;

        await _w.SyncAsync();

        Assert.That(await _w.QueryAsync<(string, decimal)>("SELECT InvoiceId, Amount FROM stg.Invoice ORDER BY 1"),
            Is.EqualTo(new[] { ("I1", 0.0000m), ("I2", 1234.5678m), ("I5", 12.3400m) }));
        var rejected = await _w.QueryAsync<(long, string)>("SELECT LineNumber, Reason FROM ops.RejectedRow ORDER BY 1");
        Assert.That(rejected.Select(r => r.Item1), Is.EqualTo(new[] { 3L, 4L }), "a value too large for the contract, and NaN, are rows rejected with their row");
        Assert.That(rejected.All(r => r.Item2.StartsWith("unparsable decimal in Amount: ", StringComparison.Ordinal)), Is.True, string.Join("; ", rejected));
    }

    [Test]
    public async Task AmountsAtTheContractsLimit_ConvertAndSumWithoutOverflow_OrAreRejectedWithTheirLine()
    {
        var big = "99999999999999.9999";
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One" + Row, "A2,Two" + Row);
        _w.Write("billing", "fx_rates.csv", H.FxRates, "XAU,2020-01-01,9999999999.99999999", "JPY,2020-01-01,0.0067");
        var invoices = Enumerable.Range(1, 40).Select(i => $"I{i},A1,,2025-01-{1 + i % 28:00},2025-01-31,,{big},XAU,Paid,2025-01-01T00:00:00Z,0").ToList();
        invoices.Add($"J1,A2,,2025-01-01,2025-01-31,,{big},JPY,Paid,2025-01-01T00:00:00Z,0");
        invoices.Add($"J2,A2,,2025-01-01,2025-01-31,,-{big},USD,Paid,2025-01-01T00:00:00Z,0");
        _w.Write("billing", "invoices.csv", H.Invoices, invoices.ToArray());
        _w.Write("crm", "opportunities.csv", H.Opportunities,
            $"O1,A1,Suite,Closed Won,{big},XAU,2025-01-01T00:00:00Z,2025-01-02,2025-01-02T00:00:00Z,0",
            $"O2,A1,Suite,Closed Won,{big},XAU,2025-01-01T00:00:00Z,2025-01-02,2025-01-03T00:00:00Z,0");
        _w.Options.Sync.MaxRejectedFraction = 1;

        var result = await _w.SyncAsync("2025-06-30");

        Assert.That(result.BatchId, Is.Not.Null);
        var staged = await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Invoice");
        var rejected = await _w.QueryAsync<(string, long, string)>("SELECT FileName, LineNumber, Reason FROM ops.RejectedRow ORDER BY 1, 2");
        Assert.That(staged + rejected.Count(r => r.Item1 == "billing/invoices.csv"), Is.EqualTo(42), "every row is staged or rejected with its line");
        Assert.That(rejected.All(r => r.Item2 > 1 && r.Item3.Length > 0), Is.True);
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Invoice WHERE Currency = 'XAU'"), Is.EqualTo(40), "converted at the largest rate the contract takes");
        Assert.That(await _w.ScalarAsync<decimal>("SELECT sum(Amount) FROM dw.FactInvoice WHERE AccountId = 'A1'"), Is.GreaterThan(3.9e25m), "summed exactly");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures"), Is.EqualTo(2));
    }

    [Test]
    public async Task UnterminatedQuote_RejectsItsLine_AndCountsEveryLineItSwallowed()
    {
        var rows = Enumerable.Range(1, 10).Select(i => $"A{i},Co {i}" + Row).ToList();
        rows[7] = "A8,\"Co 8" + Row;
        _w.Write("crm", "accounts.csv", H.Accounts, rows.ToArray());
        _w.Options.Sync.MaxRejectedFraction = 1;

        var result = await _w.SyncAsync();

        var accounts = result.Entities.Single(e => e.Entity == "accounts");
        Assert.That(accounts.Read, Is.EqualTo(10), "every data line is counted as read");
        Assert.That(accounts.Loaded + accounts.Rejected, Is.EqualTo(10));
        var rejected = await _w.QueryAsync<(long, string)>("SELECT LineNumber, Reason FROM ops.RejectedRow ORDER BY 1");
        Assert.That(rejected.Select(r => r.Item1), Is.EqualTo(new[] { 9L, 10L, 11L }), "the line with the quote, and each line after it that it swallowed");
        Assert.That(rejected[0].Item2, Does.Contain("unterminated quote"));
        Assert.That(rejected[1].Item2, Does.Contain("line 9"));
        Assert.That(await _w.QueryAsync<string>("SELECT AccountId FROM stg.Account ORDER BY LineNumber"), Is.EqualTo(rows.Take(7).Select(r => r.Split(',')[0])));
    }

    [Test]
    public async Task BlankLines_AreSkipped_AndTheRowsAfterThemKeepTheirLines()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One" + Row, "", "", "A2,Two" + Row, "\r", "A3,Three" + Row);

        await _w.SyncAsync();

        Assert.That(await _w.QueryAsync<(string, long)>("SELECT AccountId, LineNumber FROM stg.Account ORDER BY 1"), Is.EqualTo(new[] { ("A1", 2L), ("A2", 5L), ("A3", 7L) }));
    }

    [Test]
    public async Task BrokenQuotingAndBlankLines_LeaveEveryOtherRowAtItsOwnLine()
    {
        // DuckDB counts blank lines in a rejected row's line but not in a good row's position, splits a row at a
        // carriage return alone, and recovers from a value that goes on after its closing quote at another line's
        // text: each of these put rows at the wrong line, or loaded a row made of two lines' pieces.
        _w.Write("crm", "accounts.csv", H.Accounts,
            "A1,One" + Row, "", "A2,Two,too many" + Row, "A3,Three" + Row, "A4,\"Co 4\" Ltd" + Row, "A5,Five" + Row,
            "A6,Co\r6" + Row, "A7,Seven" + Row, "A8,\"Co 8" + Row, "A9,\"Co 9\"" + Row, "A10,Ten" + Row);
        _w.Options.Sync.MaxRejectedFraction = 1;

        await _w.SyncAsync();

        Assert.That(await _w.QueryAsync<(string, long)>("SELECT AccountId, LineNumber FROM stg.Account ORDER BY 2"),
            Is.EqualTo(new[] { ("A1", 2L), ("A3", 5L), ("A5", 7L), ("A7", 9L), ("A10", 12L) }));
        var rejected = await _w.QueryAsync<(long, string, string)>("SELECT LineNumber, Reason, RawData FROM ops.RejectedRow ORDER BY 1");
        Assert.That(rejected.Select(r => r.Item1), Is.EqualTo(new[] { 4L, 6L, 8L, 10L, 11L }));
        Assert.That(rejected.Select(r => r.Item3[..3]), Is.EqualTo(new[] { "A2,", "A4,", "A6,", "A8,", "A9," }), "each line's own text");
        Assert.That(rejected[1].Item2, Does.Contain("followed by text"));
        Assert.That(rejected[2].Item2, Does.Contain("carriage return"));
        Assert.That(rejected[4].Item2, Does.Contain("starts on line 10"));
    }

    [Test]
    public async Task OneCrlfLineInAnLfFile_MovesNoRejectedLine()
    {
        // DuckDB reads such a file without complaint but counts the CRLF as two lines in a rejected row's line.
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One" + Row, "A2,Two" + Row + "\r", "A3,Three" + Row, "A4,Four", "A5,Five" + Row);
        _w.Options.Sync.MaxRejectedFraction = 1;

        await _w.SyncAsync();

        Assert.That(await _w.QueryAsync<(string, long)>("SELECT AccountId, LineNumber FROM stg.Account ORDER BY 2"),
            Is.EqualTo(new[] { ("A1", 2L), ("A2", 3L), ("A3", 4L), ("A5", 6L) }));
        Assert.That(await _w.QueryAsync<long>("SELECT LineNumber FROM ops.RejectedRow"), Is.EqualTo(new[] { 5L }));
    }

    [Test]
    public async Task HalfWrittenFile_ThenItsCompleteVersion_LosesNoRow()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A0,Zero" + Row);
        var rows = Enumerable.Range(1, 100).Select(i => $"I{i},A0,,2025-01-01,2025-01-31,,{i}.25,USD,Paid,2025-01-01T00:00:00Z,0").ToArray();
        var full = H.Invoices + "\n" + string.Join("\n", rows) + "\n";
        var path = Path.Combine(_w.Folder.SourceFolder("billing"), "invoices.csv");
        File.WriteAllText(path, full[..(full.Length / 2)], new UTF8Encoding(false)); // cut mid-line, as a copy in progress leaves it
        _w.Options.Sync.MaxRejectedFraction = 1;
        await _w.SyncAsync("2025-06-30");
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Invoice"), Is.InRange(40, 51));

        File.WriteAllText(path, full, new UTF8Encoding(false));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        await _w.SyncAsync("2025-07-01");

        var staged = await _w.QueryAsync<(string, decimal)>("SELECT InvoiceId, Amount FROM dw.FactInvoice ORDER BY CAST(substr(InvoiceId, 2) AS INTEGER)");
        Assert.That(staged, Is.EqualTo(Enumerable.Range(1, 100).Select(i => ($"I{i}", i + 0.25m))), "the complete file's 100 rows, each with its complete value");
    }
}
