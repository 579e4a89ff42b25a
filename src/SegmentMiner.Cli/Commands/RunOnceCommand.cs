using System.CommandLine;
using SegmentMiner.Pipeline.Jobs;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Commands;

/// <summary>
/// <c>segminer run-once</c>: the main job once, in the foreground, for cron or a SQL Agent job: sync, process, publish,
/// each recorded in ops.JobRun; prints the steps. A failed step stops the chain and exits 11, 12 or 13.
/// </summary>
internal static class RunOnceCommand
{
    public static Command Create(CliEnvironment output)
    {
        var asOf = new Option<string?>("--as-of") { Description = "Compute features as of this date (yyyy-MM-dd). Default: today (UTC), or the Sync:AsOf setting." };
        var command = new Command("run-once", "Run the main job once: sync, process, publish. Exit 11, 12 or 13 names the step that failed.") { asOf, SyncCommand.FormatOption };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.EnsureWarehouseAsync(ct);
            var chain = await ctx.Get<JobChain>().RunAsync(ctx.AsOf(parse.GetValue(asOf)), "run-once", ct);
            ResultWriter.Write(ctx.Output, Steps(chain), parse.GetValue(SyncCommand.FormatOption));
            return 0;
        }));
        return command;
    }

    internal static QueryResult Steps(ChainResult chain) => new(
        ["Job", "Status", "Seconds", "Detail"],
        chain.Steps.Select(s => new object?[] { s.Job, s.Status, Math.Round(s.Duration.TotalSeconds, 1), s.Detail }).ToList());
}
