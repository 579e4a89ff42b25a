using System.CommandLine;
using SegmentMiner.Warehouse;
using SegmentMiner.Pipeline.Querying;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer sql "&lt;query&gt;"</c>: read-only queries on the warehouse.</summary>
internal static class SqlCommand
{
    public static Command Create(CliEnvironment output)
    {
        var query = new Argument<string>("query") { Description = "One read-only statement (SELECT, WITH ... SELECT, DESCRIBE, SHOW, SUMMARIZE)." };
        var format = new Option<OutputFormat>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("sql", "Run a read-only query on the warehouse; statements that write are refused.") { query, format };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            // No EnsureWarehouseAsync first: a statement that could write is refused before any connection.
            var result = await ctx.Get<QueryService>().QueryAsync(parse.GetValue(query)!, ct);
            ResultWriter.Write(ctx.Output, result, parse.GetValue(format));
            return 0;
        }));
        return command;
    }
}
