using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Bench;

/// <summary>
/// The invoice load path (read, validate, reject with line numbers, stage, merge) against DuckDB's own read_csv of
/// the same file into a bare table, in the same run; then features and snapshots, and a re-sync of unchanged sources.
/// </summary>
internal static class SyncBenchmark
{
    public static async Task<int> RunAsync(int rows, int accounts, bool verbose)
    {
        var root = Path.Combine(Path.GetTempPath(), "segminer-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = new DataFolder(root);
            folder.EnsureExists();
            Console.Error.WriteLine($"writing {accounts} accounts and {rows} invoices under {root}");
            WriteAccounts(Path.Combine(folder.SourceFolder("crm"), "accounts.csv"), accounts);
            File.WriteAllText(Path.Combine(folder.SourceFolder("billing"), "fx_rates.csv"), "Currency,Date,Rate\nEUR,2020-01-01,1.08\nGBP,2020-01-01,1.27\n");
            var invoices = Path.Combine(root, "invoices-bench.csv");
            var bad = WriteInvoices(invoices, rows, accounts);
            var size = new FileInfo(invoices).Length;

            var options = new SegmentMinerOptions { DataDir = root };
            var sync = new SyncService(options, folder, verbose ? new StderrLogger() : NullLogger.Instance);
            var asOf = new DateOnly(2026, 11, 15);
            await sync.RunAsync(asOf);

            // DuckDB's own load of the same file into a bare table (types sniffed), in the same process.
            var bare = await BareLoadAsync(invoices);

            File.Move(invoices, Path.Combine(folder.SourceFolder("billing"), "invoices-bench.csv"));
            var watch = Stopwatch.StartNew();
            var result = await sync.RunAsync(asOf);
            var total = watch.Elapsed;
            var t = result.Timings;
            var loadPath = t["read"] + t["validate+stage"] + t["merge"];
            var inv = result.Entities.Single(e => e.Entity == "invoices");

            watch.Restart();
            var again = await sync.RunAsync(asOf);
            var resync = watch.Elapsed;

            var o = Console.Out;
            o.WriteLine($"invoice rows            {rows,12:N0}   ({size / 1048576.0:0.0} MiB CSV, {bad} bad rows planted)");
            o.WriteLine($"rejected                {inv.Rejected,12:N0}");
            o.WriteLine($"duckdb read_csv (bare)  {bare.TotalSeconds,12:0.000} s   {rows / bare.TotalSeconds,12:N0} rows/s");
            o.WriteLine($"segminer load path      {loadPath.TotalSeconds,12:0.000} s   {rows / loadPath.TotalSeconds,12:N0} rows/s   ({loadPath / bare:0.00}x the bare load)");
            o.WriteLine($"  read                  {t["read"].TotalSeconds,12:0.000} s");
            o.WriteLine($"  validate+stage        {t["validate+stage"].TotalSeconds,12:0.000} s");
            o.WriteLine($"  merge                 {t["merge"].TotalSeconds,12:0.000} s");
            o.WriteLine($"features                {t["features"].TotalSeconds,12:0.000} s   ({result.Customers:N0} customers)");
            o.WriteLine($"monthly snapshots       {t["snapshot"].TotalSeconds,12:0.000} s");
            o.WriteLine($"whole batch             {total.TotalSeconds,12:0.000} s");
            o.WriteLine($"re-sync, unchanged      {resync.TotalSeconds,12:0.000} s   (up to date: {again.UpToDate})");
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<TimeSpan> BareLoadAsync(string csv)
    {
        await using var db = new DuckDBConnection("Data Source=" + Path.Combine(Path.GetDirectoryName(csv)!, "bare.duckdb"));
        await db.OpenAsync();
        var watch = Stopwatch.StartNew();
        await db.ExecuteAsync($"CREATE TABLE bare AS SELECT * FROM read_csv('{csv.Replace("'", "''", StringComparison.Ordinal)}', header = true, quote = '\"', escape = '\"', delim = ',', ignore_errors = true)");
        return watch.Elapsed;
    }

    private static void WriteAccounts(string path, int n)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        w.WriteLine("AccountId,Name,Industry,Country,Region,EmployeeBand,AnnualRevenueBand,CreatedAt,ModifiedAt,IsDeleted");
        string[] bands = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"];
        for (var i = 1; i <= n; i++)
        {
            w.WriteLine($"A{i:D7},Company {i},Software,Germany,Europe,{bands[i % bands.Length]},,2020-01-01T00:00:00Z,2020-01-01T00:00:00Z,0");
        }
    }

    /// <summary>Invoices over three years, a quarter of them in EUR or GBP, one in a thousand broken.</summary>
    private static int WriteInvoices(string path, int n, int accounts)
    {
        var rng = new Random(1);
        var bad = 0;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        w.WriteLine("InvoiceId,AccountId,SubscriptionId,InvoiceDate,DueDate,PaidDate,Amount,Currency,Status,ModifiedAt,IsDeleted");
        var start = new DateOnly(2023, 11, 1);
        string[] currencies = ["USD", "USD", "USD", "", "EUR", "GBP"];
        for (var i = 1; i <= n; i++)
        {
            var day = start.AddDays(rng.Next(0, 1090));
            var due = day.AddDays(30);
            var paid = rng.NextDouble() < 0.8 ? day.AddDays(rng.Next(1, 60)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            var amount = (rng.Next(1000, 500000) / 100.0).ToString("0.00", CultureInfo.InvariantCulture);
            var account = $"A{rng.Next(1, accounts + 1):D7}";
            if (i % 1000 == 0)
            {
                bad++;
                amount = "12,5";
            }

            w.Write("I");
            w.Write(i.ToString("D9", CultureInfo.InvariantCulture));
            w.WriteLine($",{account},,{day:yyyy-MM-dd},{due:yyyy-MM-dd},{paid},{amount},{currencies[i % currencies.Length]},{(paid.Length > 0 ? "Paid" : "Open")},{day:yyyy-MM-dd}T08:00:00Z,0");
        }

        return bad;
    }
}
