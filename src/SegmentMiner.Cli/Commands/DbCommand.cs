using System.CommandLine;
using SegmentMiner.Cli.Worker;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer db migrate [--script]</c>: bring the warehouse schema to the current version.</summary>
internal static class DbCommand
{
    public static Command Create(CliEnvironment output)
    {
        var script = new Option<bool>("--script") { Description = "Print the T-SQL a DBA runs on SQL Server instead of applying anything." };
        var scheduler = new Option<bool>("--scheduler") { Description = "Create the worker's job store tables (Worker:JobStore, Kind AdoNet) instead of migrating the warehouse." };
        var migrate = new Command("migrate", "Apply pending schema migrations.") { script, scheduler };
        migrate.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            if (parse.GetValue(script))
            {
                ctx.Output.Write(SegmentMiner.Warehouse.SqlServer.SqlServerMigrator.UpgradeScript());
                return 0;
            }

            if (parse.GetValue(scheduler))
            {
                var store = ctx.Options.Worker.JobStore;
                var count = await SchedulerSchema.CreateAsync(store, ct);
                ctx.Output.WriteLine($"scheduler tables ready: {count} statements run on the {store.Provider} job store (prefix {store.TablePrefix})");
                return 0;
            }

            var backend = ctx.Get<IWarehouseBackend>();
            var applied = await backend.MigrateAsync(m => ctx.Log.LogInformationText(m), ct);
            ctx.Output.WriteLine($"schema version {Migrations.LatestVersion(backend.Dialect)}");
            foreach (var s in applied)
            {
                ctx.Log.LogInformationText($"applied {s.Name}");
            }

            return 0;
        }));
        return new Command("db", "Warehouse schema.") { migrate };
    }
}
