using System.Text;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>A throw-away data folder with helpers to drop source files, sync and query.</summary>
internal sealed class TestWarehouse : IDisposable
{
    public TestWarehouse()
    {
        Root = Path.Combine(Path.GetTempPath(), "segminer-test-" + Guid.NewGuid().ToString("N"));
        Options = new SegmentMinerOptions { DataDir = Root };
        Folder = new DataFolder(Root);
        Folder.EnsureExists();
    }

    public string Root { get; }

    public SegmentMinerOptions Options { get; }

    public DataFolder Folder { get; }

    public DuckDbWarehouse Warehouse => new(Folder, Options.Warehouse);

    /// <summary>Writes a CSV file: a header and rows, LF line ends.</summary>
    public string Write(string folder, string name, string header, params string[] rows)
    {
        var path = Path.Combine(Folder.SourceFolder(folder), name);
        File.WriteAllText(path, header + "\n" + string.Join("\n", rows) + (rows.Length > 0 ? "\n" : ""), new UTF8Encoding(false));
        return path;
    }

    public Task<SyncResult> SyncAsync(string asOf = "2026-11-15", bool rebuild = false) =>
        new SyncService(Options, Folder, NullLogger.Instance).RunAsync(DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture), default, rebuild);

    public async Task<List<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var db = await Warehouse.OpenReadOnlyAsync();
        return (await db.QueryAsync<T>(sql, param)).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? param = null)
    {
        await using var db = await Warehouse.OpenReadOnlyAsync();
        return (await db.ExecuteScalarAsync<T>(sql, param))!;
    }

    /// <summary>A fingerprint of every warehouse table (row count and an order-independent hash of the rows).</summary>
    public async Task<Dictionary<string, string>> FingerprintAsync()
    {
        await using var db = await Warehouse.OpenReadOnlyAsync();
        var tables = (await db.QueryAsync<string>(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema IN ('ops','stg','dw') ORDER BY 1")).ToList();
        var result = new Dictionary<string, string>();
        foreach (var t in tables)
        {
            result[t] = await db.ExecuteScalarAsync<string>($"SELECT count(*) || ':' || COALESCE(CAST(sum(hash(x)) AS VARCHAR), '') FROM {t} x") ?? "";
        }

        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a failed test: leave the temp folder behind.
        }
    }
}

/// <summary>Headers of the contract's entities, for hand-written test files.</summary>
internal static class H
{
    public const string Accounts = "AccountId,Name,Industry,Country,Region,EmployeeBand,AnnualRevenueBand,CreatedAt,ModifiedAt,IsDeleted";
    public const string Contacts = "ContactId,AccountId,JobRole,Seniority,Department,IsDecisionMaker,CreatedAt,ModifiedAt,IsDeleted";
    public const string Opportunities = "OpportunityId,AccountId,Product,Stage,Amount,Currency,CreatedAt,CloseDate,ModifiedAt,IsDeleted";
    public const string Activities = "ActivityId,AccountId,Type,OccurredAt,ModifiedAt,IsDeleted";
    public const string Subscriptions = "SubscriptionId,AccountId,Product,Plan,StartDate,EndDate,Mrr,Currency,Status,ModifiedAt,IsDeleted";
    public const string Invoices = "InvoiceId,AccountId,SubscriptionId,InvoiceDate,DueDate,PaidDate,Amount,Currency,Status,ModifiedAt,IsDeleted";
    public const string FxRates = "Currency,Date,Rate";
    public const string Responses = "ResponseId,AccountId,RespondedAt,Question,Answer,ModifiedAt,IsDeleted";
    public const string OpportunityContacts = "OpportunityId,ContactId,Role,ModifiedAt,IsDeleted";
}
