using System.CommandLine;
using SegmentMiner.Pipeline.Demo;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Commands;

/// <summary>
/// <c>segminer demo</c>: the main job on the embedded defaults, with nothing to set up. Generates demo sources when
/// the data folder has none, syncs them into the DuckDB warehouse, deploys, processes and publishes the shipped
/// models, and prints the segments with their names and sizes (what sync loaded goes to stderr).
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliEnvironment output)
    {
        var customers = new Option<int>("--customers") { Description = "Accounts to generate when the data folder has no sources.", DefaultValueFactory = _ => 10000 };
        var seed = new Option<int>("--seed") { Description = "Random seed for generated sources.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Run the whole job on demo data: generate sources (if absent), sync, deploy, process, publish.") { customers, seed, SyncCommand.FormatOption };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            var (chain, segments) = await ctx.Get<DemoService>().RunAsync(parse.GetValue(customers), parse.GetValue(seed), ct);
            using (var summary = new StringWriter())
            {
                ResultWriter.Write(summary, SyncCommand.ToTable(chain.Sync), OutputFormat.Table);
                ctx.Log.LogInformationText("sync:\n" + summary.ToString().TrimEnd());
            }

            ResultWriter.Write(ctx.Output, segments, parse.GetValue(SyncCommand.FormatOption));
            return 0;
        }));
        return command;
    }
}
