using System.CommandLine;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer sql "&lt;query&gt;"</c>: read-only queries on the warehouse.</summary>
internal static class SqlCommand
{
    public static Command Create(TextWriter output)
    {
        var query = new Argument<string>("query") { Description = "One read-only statement (SELECT, WITH ... SELECT, DESCRIBE, SHOW, SUMMARIZE)." };
        var format = new Option<OutputFormat>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("sql", "Run a read-only query on the warehouse; statements that write are refused.") { query, format };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            if (ctx.Options.Warehouse.Provider != Core.Configuration.WarehouseProvider.DuckDb)
            {
                throw new WarehouseException("Warehouse:Provider is SqlServer: query the SQL Server warehouse with your own SQL tools; 'segminer sql' reads the DuckDB warehouse");
            }

            var result = await ReadOnlyQuery.RunAsync(new DuckDbWarehouse(ctx.Folder, ctx.Options.Warehouse), parse.GetValue(query)!, ct);
            ResultWriter.Write(ctx.Output, result, parse.GetValue(format));
            return 0;
        }));
        return command;
    }
}
