using Dapper;
using SegmentMiner.Warehouse.Demo;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// Features and monthly snapshots brought up to date incrementally equal a full rebuild, row for row, after every
/// step of a sequence of increments: new files with the as-of date unchanged, the as-of date moving within a month,
/// across a month end with no new files, and a contact moving to another account.
/// </summary>
[TestFixture]
public sealed class IncrementalTests
{
    private static readonly DateOnly Base = new(2026, 10, 29);

    [Test]
    public async Task EverySyncOfASequence_EqualsAFullRebuild()
    {
        using var w = new TestWarehouse();
        Generate(w, 0);
        await StepAsync(w, "2026-10-29", expectIncremental: false);
        Generate(w, 1);
        await StepAsync(w, "2026-10-29", expectIncremental: true);   // new files, as-of unchanged
        Generate(w, 2);
        await StepAsync(w, "2026-10-31", expectIncremental: true);   // new files, as-of moved within the month
        await StepAsync(w, "2026-11-01", expectIncremental: true);   // no new files, across the month end
        var (contact, from, to) = await MoveAContactAsync(w);
        Generate(w, 3);
        await StepAsync(w, "2026-11-03", expectIncremental: true);   // new files and a moved contact, as-of moved
        Assert.That(await w.ScalarAsync<long>("SELECT count(*) FROM dw.DimContact WHERE ContactId = $c AND AccountId = $to", new { c = contact, to }), Is.EqualTo(1), $"{contact} moved from {from} to {to}: " + string.Join("; ", await w.QueryAsync<string>("SELECT FileName || ' ' || Reason FROM ops.RejectedRow WHERE FileName LIKE '%moved%' UNION ALL SELECT CAST(s AS VARCHAR) FROM stg.Contact s WHERE ContactId = $c UNION ALL SELECT FileName || ' ' || RowsRead FROM ops.SourceFile", new { c = contact })));
        await StepAsync(w, "2026-12-02", expectIncremental: true);   // a month and more later
    }

    private static void Generate(TestWarehouse w, int increment) =>
        new DemoGenerator(new DemoRequest(300, 11, Base, Months: 18, Increment: increment)).Write(w.Folder.Sources, w.Folder.TruthFile);

    private static async Task<(string Contact, string From, string To)> MoveAContactAsync(TestWarehouse w)
    {
        var (contact, from, role, seniority, department) = (await w.QueryAsync<(string, string, string, string, string)>(
            "SELECT ContactId, AccountId, JobRole, Seniority, Department FROM dw.DimContact WHERE ModifiedAt < '2026-10-01' ORDER BY ContactId LIMIT 1")).Single();
        var to = await w.ScalarAsync<string>("SELECT max(AccountId) FROM dw.DimCustomer WHERE IsCurrent AND AccountId <> $from", new { from });
        w.Write("crm", "contacts-moved.csv", H.Contacts, $"{contact},{to},{role},{seniority},{department},1,2024-01-01T00:00:00Z,2026-10-30T12:00:00Z,0");
        return (contact, from, to);
    }

    /// <summary>Syncs incrementally, then compares with a full rebuild of a copy of the warehouse.</summary>
    private static async Task StepAsync(TestWarehouse w, string asOf, bool expectIncremental)
    {
        var r = await w.SyncAsync(asOf);
        Assert.That(r.Derived, expectIncremental ? Does.StartWith("incremental") : Is.EqualTo("full rebuild"), $"as of {asOf}");
        using var copy = new TestWarehouse();
        File.Copy(w.Warehouse.FilePath, copy.Warehouse.FilePath);
        var full = await copy.SyncAsync(asOf, rebuild: true);
        Assert.That(full.Derived, Is.EqualTo("full rebuild"));

        await using var db = await w.Warehouse.OpenReadOnlyAsync();
        await db.ExecuteAsync($"ATTACH '{copy.Warehouse.FilePath}' AS full_rebuild (READ_ONLY)");
        foreach (var table in new[] { "dw.CustomerFeatures", "dw.CustomerMonthlySnapshot" })
        {
            // BatchId says which batch computed a row: the only column where the two may differ.
            var rows = await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
            var onlyIncremental = (await db.QueryAsync<string>(
                $"SELECT CAST(x AS VARCHAR) FROM (SELECT * EXCLUDE (BatchId) FROM {table} EXCEPT ALL SELECT * EXCLUDE (BatchId) FROM full_rebuild.{table}) x LIMIT 3")).ToList();
            var onlyFull = (await db.QueryAsync<string>(
                $"SELECT CAST(x AS VARCHAR) FROM (SELECT * EXCLUDE (BatchId) FROM full_rebuild.{table} EXCEPT ALL SELECT * EXCLUDE (BatchId) FROM {table}) x LIMIT 3")).ToList();
            Assert.That(rows, Is.GreaterThan(100), table);
            Assert.That(onlyIncremental.Concat(onlyFull), Is.Empty,
                $"{table} as of {asOf}: incremental has {string.Join(" / ", onlyIncremental)}; full rebuild has {string.Join(" / ", onlyFull)}");
        }
    }
}
