using System.CommandLine;
using SegmentMiner.Warehouse.Demo;

namespace SegmentMiner.Cli.Commands;

/// <summary>
/// <c>segminer demo</c>: the main job on the embedded defaults, with nothing to set up. Generates demo sources when
/// the data folder has none, then syncs them into the DuckDB warehouse and prints what was loaded.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var customers = new Option<int>("--customers") { Description = "Accounts to generate when the data folder has no sources.", DefaultValueFactory = _ => 10000 };
        var seed = new Option<int>("--seed") { Description = "Random seed for generated sources.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Run the whole job on demo data: generate sources (if absent) and sync them.") { customers, seed, SyncCommand.FormatOption };
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

            var result = await SyncCommand.RunAsync(ctx, asOf, ct);
            ResultWriter.Write(ctx.Output, SyncCommand.ToTable(result), parse.GetValue(SyncCommand.FormatOption));
            return 0;
        }));
        return command;
    }
}
