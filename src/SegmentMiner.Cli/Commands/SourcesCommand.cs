using System.CommandLine;
using SegmentMiner.Pipeline.Demo;
using SegmentMiner.Warehouse.Demo;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer sources generate</c>: realistic demo sources with planted groups.</summary>
internal static class SourcesCommand
{
    public static Command Create(CliEnvironment output)
    {
        var customers = new Option<int>("--customers") { Description = "Number of accounts.", DefaultValueFactory = _ => 10000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed and as-of date give the same files.", DefaultValueFactory = _ => 42 };
        var asOf = new Option<string?>("--as-of") { Description = "The date the data ends (yyyy-MM-dd). Default: today (UTC), or the Sync:AsOf setting." };
        var months = new Option<int>("--months") { Description = "Months of invoice history.", DefaultValueFactory = _ => 24 };
        var badRows = new Option<int>("--bad-rows") { Description = "Extra broken rows to add (each is rejected by sync with its reason)." };
        var increment = new Option<int>("--increment") { Description = "Write the K-th next daily delta instead of the base data." };
        var outDir = new Option<string?>("--out") { Description = "Write the crm, billing and survey folders and truth.csv here instead of the data folder." };
        var generate = new Command("generate", "Write demo CRM, billing and survey files, and truth.csv with the planted groups.")
        {
            customers, seed, asOf, months, badRows, increment, outDir,
        };
        generate.SetAction((parse, ct) => CliApp.Guard(parse, output, ctx =>
        {
            var request = new DemoRequest(parse.GetValue(customers), parse.GetValue(seed), ctx.AsOf(parse.GetValue(asOf)),
                parse.GetValue(months), parse.GetValue(badRows), parse.GetValue(increment));
            var result = ctx.Get<DemoService>().Generate(request, parse.GetValue(outDir));
            foreach (var (file, rows) in result.Files)
            {
                ctx.Output.WriteLine($"{file}\t{rows}");
            }

            return Task.FromResult(0);
        }));
        return new Command("sources", "Source data helpers.") { generate };
    }
}
