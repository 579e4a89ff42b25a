using System.CommandLine;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer sync</c>: load what is new in the sources into the warehouse, in one transaction.</summary>
internal static class SyncCommand
{
    public static readonly Option<OutputFormat> FormatOption = new("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => OutputFormat.Table };

    public static Command Create(CliEnvironment output)
    {
        var asOf = new Option<string?>("--as-of") { Description = "Compute features as of this date (yyyy-MM-dd). Default: today (UTC), or the Sync:AsOf setting." };
        var rebuild = new Option<bool>("--rebuild") { Description = "Recompute features and monthly snapshots for every customer (by default only what the new data and the as-of date change)." };
        var command = new Command("sync", "Load new source files and SQL source rows into the warehouse; bring features and monthly snapshots up to date.") { asOf, rebuild, FormatOption };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.EnsureWarehouseAsync(ct);
            var result = await RunAsync(ctx, ctx.AsOf(parse.GetValue(asOf)), ct, parse.GetValue(rebuild));
            ResultWriter.Write(ctx.Output, ToTable(result), parse.GetValue(FormatOption));
            return 0;
        }));
        return command;
    }

    internal static async Task<SyncResult> RunAsync(CliContext ctx, DateOnly asOf, CancellationToken ct, bool rebuild = false)
    {
        var result = await ctx.Get<ISyncService>().RunAsync(asOf, ct, rebuild);
        if (result.UpToDate)
        {
            ctx.Log.LogInformationText("the warehouse is up to date; nothing was written");
        }
        else
        {
            ctx.Log.LogInformationText(
                $"batch {result.BatchId} committed as of {result.AsOf:yyyy-MM-dd}: {result.Customers} customers; " +
                string.Join(", ", result.Timings.Select(t => $"{t.Key} {t.Value.TotalSeconds:0.00} s")));
        }

        return result;
    }

    internal static QueryResult ToTable(SyncResult r) => new(
        ["Entity", "FilesLoaded", "FilesAlreadyLoaded", "RowsRead", "RowsLoaded", "RowsUnchanged", "RowsRejected"],
        r.Entities.Select(e => new object?[] { e.Entity, e.FilesLoaded, e.FilesSkipped, e.Read, e.Loaded, e.Unchanged, e.Rejected }).ToList());
}
