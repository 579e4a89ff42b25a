using System.CommandLine;
using Microsoft.Extensions.Hosting;
using SegmentMiner.Cli.Worker;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Cli.Commands;

/// <summary>
/// <c>segminer run</c>: the worker. Runs sync, process, publish and retention on their schedules until stopped
/// (SIGTERM, Ctrl+C, service stop); a stop cancels the running job at its next safe point and records it Cancelled.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliEnvironment output)
    {
        var health = new Option<string?>("--health-urls") { Description = "Serve /health/live and /health/ready here, e.g. http://127.0.0.1:8391 (setting Worker:HealthUrls; default off)." };
        var command = new Command("run", "Run the worker: sync, process, publish and retention on their schedules (Worker:Schedules) until stopped.") { health };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.Host.RunAsync(ct);
            return 0;
        }, builder => WorkerRegistration.AddWorker(builder, OptionsLoader.BindOnly(builder.Configuration), parse.GetValue(health))));
        return command;
    }
}
