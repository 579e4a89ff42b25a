using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using SegmentMiner.Pipeline.Status;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Commands;

/// <summary>
/// <c>segminer status</c>: the last run of each job, warehouse row counts, each model's state and the current published
/// runs. Exit 0 healthy, 4 when the last job run failed, 5 when the published run is too old (one line on stderr says why).
/// </summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new JsonStringEnumConverter() },
    };

    public static Command Create(CliEnvironment output)
    {
        var format = new Option<string>("--format") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("status", "The last job runs, the warehouse, the models and the published runs; exit 4 after a failed run, 5 when the published run is too old.") { format };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.EnsureWarehouseAsync(ct);
            var report = await ctx.Get<IStatusService>().ReadAsync(ctx.Models(), ct);
            if (parse.GetValue(format) == "json")
            {
                var body = new { jobs = report.Jobs, schedules = report.Schedules, warehouse = report.Warehouse, models = report.Models, published = report.Published };
                await ctx.Output.WriteLineAsync(JsonSerializer.Serialize(body, Json));
            }
            else
            {
                WriteTables(ctx.Output, report);
            }

            if (report.ExitCode != StatusService.Healthy)
            {
                await Console.Error.WriteLineAsync($"status: {report.Verdict}");
            }

            return report.ExitCode;
        }));
        return command;
    }

    private static void WriteTables(TextWriter output, StatusReport r)
    {
        void Section(string title, QueryResult rows)
        {
            output.WriteLine(title);
            ResultWriter.Write(output, rows, OutputFormat.Table);
            output.WriteLine();
        }

        Section("jobs", new QueryResult(["Job", "Status", "Started", "Finished", "Trigger", "Host", "Error"],
            r.Jobs.Select(j => new object?[] { j.Job, j.Status, j.StartedAt, j.FinishedAt, j.TriggerName, j.HostName, j.Error }).ToList()));
        if (r.Schedules.Count > 0)
        {
            Section("schedules", new QueryResult(["Job", "Trigger", "Cron", "NextFireAt", "PreviousFireAt", "State"],
                r.Schedules.Select(e => new object?[] { e.Job, e.Trigger, e.Cron, e.NextFireAt, e.PreviousFireAt, e.State }).ToList()));
        }

        var w = r.Warehouse;
        Section("warehouse", new QueryResult(["Customers", "Invoices", "Subscriptions", "Opportunities", "SurveyAnswers", "LastBatch", "LastBatchAt"],
            [[w.Customers, w.Invoices, w.Subscriptions, w.Opportunities, w.SurveyAnswers, w.LastBatchId, w.LastBatchAt]]));
        Section("models", new QueryResult(["Model", "Deployed", "Processed", "LastProcessed", "Cases", "Clusters"],
            r.Models.Select(m => new object?[] { m.Model, m.Deployed, m.Processed, m.LastProcessed, m.Cases, m.Clusters }).ToList()));
        Section("published", new QueryResult(["Model", "RunId", "PublishedAt", "ProcessedAt", "Cases", "Clusters"],
            r.Published.Select(p => new object?[] { p.Model, p.RunId, p.PublishedAt, p.ProcessedAt, p.Cases, p.Clusters }).ToList()));
    }
}
