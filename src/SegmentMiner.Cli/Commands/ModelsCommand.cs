using System.CommandLine;
using System.Xml;
using System.Xml.Linq;
using SegmentMiner.Core.Mining;
using SegmentMiner.Pipeline.Models;
using SegmentMiner.Warehouse;
using SegmentMiner.Xmla;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer models deploy|process|list|drop</c>: the DBA's commands, on the configured mining server.</summary>
internal static class ModelsCommand
{
    private static Option<string?> ModelOption() => new("--model") { Description = "One model by name (the definition's file name); default: all." };

    public static Command Create(CliEnvironment output)
    {
        var command = new Command("models", "Deploy, process, list and drop the mining models (ssas-models/ or Mining:ModelsFolder).");
        command.Subcommands.Add(Deploy(output));
        command.Subcommands.Add(Process(output));
        command.Subcommands.Add(List(output));
        command.Subcommands.Add(Drop(output));
        return command;
    }

    private static Command Deploy(CliEnvironment output)
    {
        var model = ModelOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the XMLA batch (for review or SQL Server Management Studio) and send nothing." };
        var command = new Command("deploy", "Create or update the models on the mining server; unchanged models are left alone.") { model, dryRun };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            var models = ctx.Models(parse.GetValue(model));
            if (parse.GetValue(dryRun))
            {
                // No server, warehouse or data folder; a placeholder stands for the connection string.
                var batch = Assl.DeployBatch(models, Assl.ConnectionStringPlaceholder);
                using (var writer = XmlWriter.Create(ctx.Output, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, CloseOutput = false }))
                {
                    batch.Save(writer);
                }

                ctx.Output.WriteLine();
                return 0;
            }

            var service = ctx.Get<IModelService>();
            var results = await service.DeployAsync(models, ct);
            var rows = results.Select(r => new object?[] { r.Model, ModelService.Describe(r.Outcome), service.ServerKind }).ToList();
            ResultWriter.Write(ctx.Output, new QueryResult(["model", "result", "server"], rows), OutputFormat.Table);
            return 0;
        }));
        return command;
    }

    private static Command Process(CliEnvironment output)
    {
        var model = ModelOption();
        var type = new Option<string>("--type") { Description = "full (train again) or default (only models not processed).", DefaultValueFactory = _ => "full" };
        type.AcceptOnlyFromAmong("full", "default");
        var command = new Command("process", "Train the models on their case views.") { model, type };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.EnsureWarehouseAsync(ct);
            var models = ctx.Models(parse.GetValue(model));
            var processType = parse.GetValue(type) == "default" ? ProcessType.Default : ProcessType.Full;
            var results = await ctx.Get<IModelService>().ProcessAsync(models, processType, ct);
            var rows = models.Zip(results, (m, r) => new object?[] { m.Name, r.Processed ? "processed" : r.Note ?? "not processed", r.Cases, r.Clusters, Math.Round(r.Duration.TotalSeconds, 1) }).ToList();

            ResultWriter.Write(ctx.Output, new QueryResult(["model", "result", "cases", "clusters", "seconds"], rows), OutputFormat.Table);
            return 0;
        }));
        return command;
    }

    private static Command List(CliEnvironment output)
    {
        var format = new Option<OutputFormat>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("list", "The models with their state on the mining server: deployed, processed, last processed, cases, clusters.") { format };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            var states = await ctx.Get<IModelService>().ListAsync(ctx.Models(), ct);
            var rows = states.Select(s => new object?[]
            {
                s.Model, s.Database, s.Structure, !s.Deployed ? "not deployed" : s.Processed ? "processed" : "unprocessed", s.LastProcessed, s.Cases, s.Clusters,
            }).ToList();
            ResultWriter.Write(ctx.Output, new QueryResult(["model", "database", "structure", "state", "last_processed", "cases", "clusters"], rows), parse.GetValue(format));
            return 0;
        }));
        return command;
    }

    private static Command Drop(CliEnvironment output)
    {
        var model = ModelOption();
        var all = new Option<bool>("--all") { Description = "Drop every model (instead of --model NAME)." };
        var command = new Command("drop", "Drop models (structure, model and training) from the mining server.") { model, all };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            if (parse.GetValue(model) is null && !parse.GetValue(all))
            {
                throw new Core.ConfigurationException(["models drop: name a model with --model NAME, or drop every model with --all."]);
            }

            var dropped = await ctx.Get<IModelService>().DropAsync(ctx.Models(parse.GetValue(model)), ct);
            var rows = dropped.Select(d => new object?[] { d.Model, d.Dropped ? "dropped" : "not deployed" }).ToList();

            ResultWriter.Write(ctx.Output, new QueryResult(["model", "result"], rows), OutputFormat.Table);
            return 0;
        }));
        return command;
    }

}
