using System.CommandLine;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse;
using SegmentMiner.Pipeline.Querying;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer publish</c> and <c>segminer export</c>: segments and personas to the seg schema, and to files.</summary>
internal static class PublishCommand
{
    public static Command Create(CliEnvironment output)
    {
        var model = new Option<string?>("--model") { Description = "One model by name; default: all." };
        var format = new Option<OutputFormat>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var restore = new Option<long?>("--restore") { Description = "Make this kept earlier run (seg.ModelRun.RunId) of --model current again instead of publishing." };
        var command = new Command("publish", "Publish the processed models' segments, personas and customer membership to the seg schema.") { model, format, restore };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.EnsureWarehouseAsync(ct);
            if (parse.GetValue(restore) is { } run)
            {
                var name = parse.GetValue(model) ?? throw new Core.ConfigurationException(["publish --restore: name the model with --model NAME."]);
                await ctx.Get<IPublishService>().RestoreAsync(ctx.Models(name)[0], run, ct);
                ctx.Output.WriteLine($"{name}: run {run} is current");
                return 0;
            }

            var results = await ctx.Get<IPublishService>().PublishAsync(ctx.Models(parse.GetValue(model)), ct);
            ResultWriter.Write(ctx.Output, Table(results), parse.GetValue(format));
            return 0;
        }));
        return command;
    }

    /// <summary>One row per segment, or one row per model that published nothing new.</summary>
    public static QueryResult Table(IReadOnlyList<PublishResult> results)
    {
        var rows = new List<object?[]>();
        foreach (var r in results)
        {
            if (r.Segments.Count == 0)
            {
                rows.Add([r.Model, r.Outcome, r.RunId, null, null, null, null, r.Notice]);
            }

            rows.AddRange(r.Segments.Select(s => new object?[] { r.Model, r.Outcome, r.RunId, s.Key, s.Name, s.Population, Math.Round(100 * s.Share, 1), s.Status }));
        }

        return new QueryResult(["model", "outcome", "run", "segment_key", "segment", "customers", "share_pct", "status"], rows);
    }

    public static Command Export(CliEnvironment output)
    {
        var outDir = new Option<string>("--out") { Description = "The folder to write to (created if absent).", Required = true };
        var format = new Option<string>("--format") { Description = "csv or parquet.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "parquet");
        var command = new Command("export", "Write the current segments (the seg views) to files for tools that read files.") { outDir, format };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.EnsureWarehouseAsync(ct);
            var files = await ctx.Get<QueryService>().ExportAsync(parse.GetValue(outDir)!, parse.GetValue(format)!, ct);
            ResultWriter.Write(ctx.Output, new QueryResult(["file", "rows"], files.Select(f => new object?[] { f.File, f.Rows }).ToList()), OutputFormat.Table);
            return 0;
        }));
        return command;
    }
}
