using System.CommandLine;
using SegmentMiner.Pipeline.Retention;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer retention</c>: what the retention job does, by hand; prints what it deleted.</summary>
internal static class RetentionCommand
{
    public static Command Create(CliEnvironment output)
    {
        var command = new Command("retention", "Delete job runs, failed batches and rejected rows older than Retention:KeepHistory, and published runs beyond Publish:KeepRuns.");
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            var r = await ctx.Get<IRetentionService>().RunAsync(ct);
            ResultWriter.Write(ctx.Output, new QueryResult(["JobRuns", "FailedBatches", "RejectedRows", "PublishedRuns"], [[r.JobRuns, r.Batches, r.RejectedRows, r.PublishedRuns]]), OutputFormat.Table);
            return 0;
        }));
        return command;
    }
}
