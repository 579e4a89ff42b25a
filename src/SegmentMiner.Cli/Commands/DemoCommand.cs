using System.CommandLine;
using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline.Jobs;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Demo;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Cli.Commands;

/// <summary>
/// <c>segminer demo</c>: the main job on the embedded defaults, with nothing to set up. Generates demo sources when
/// the data folder has none, syncs them into the DuckDB warehouse, deploys, processes and publishes the shipped
/// models, and prints the segments with their names and sizes (what sync loaded goes to stderr).
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var customers = new Option<int>("--customers") { Description = "Accounts to generate when the data folder has no sources.", DefaultValueFactory = _ => 10000 };
        var seed = new Option<int>("--seed") { Description = "Random seed for generated sources.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Run the whole job on demo data: generate sources (if absent), sync, deploy, process, publish.") { customers, seed, SyncCommand.FormatOption };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            var asOf = ctx.AsOf(null);
            var hasAccounts = Directory.Exists(ctx.Folder.SourceFolder("crm"))
                && Directory.EnumerateFiles(ctx.Folder.SourceFolder("crm"), "accounts*").Any();
            if (!hasAccounts)
            {
                SourcesCommand.Generate(ctx, new DemoRequest(parse.GetValue(customers), parse.GetValue(seed), asOf));
            }
            else
            {
                ctx.Log.LogInformationText($"using the sources already in {ctx.Folder.Sources}");
            }

            // The same chain run-once and the worker run: sync, process (again only when sync loaded something new), publish.
            var models = ModelCatalog.Load(ctx.Options.Mining.ModelsFolder).Models;
            var chain = await new JobChain(ctx.Options, ctx.Folder, ctx.Log, TimeProvider.System).RunAsync(models, asOf, "demo", ct);
            using (var summary = new StringWriter())
            {
                ResultWriter.Write(summary, SyncCommand.ToTable(chain.Sync), OutputFormat.Table);
                ctx.Log.LogInformationText("sync:\n" + summary.ToString().TrimEnd());
            }

            var segments = await ReadOnlyQuery.RunAsync(new DuckDbWarehouse(ctx.Folder, ctx.Options.Warehouse),
                "SELECT Model, SegmentKey, Name, Population, round(100 * Share, 1) AS SharePct FROM seg.vSegment WHERE NOT IsRetired ORDER BY Model, Population DESC", ct);
            ResultWriter.Write(ctx.Output, segments, parse.GetValue(SyncCommand.FormatOption));
            return 0;
        }));
        return command;
    }
}
