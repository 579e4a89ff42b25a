using System.CommandLine;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer db migrate [--script]</c>: bring the warehouse schema to the current version.</summary>
internal static class DbCommand
{
    public static Command Create(TextWriter output)
    {
        var script = new Option<bool>("--script") { Description = "Print the T-SQL a DBA runs on SQL Server instead of applying anything." };
        var migrate = new Command("migrate", "Apply pending schema migrations.") { script };
        migrate.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            if (parse.GetValue(script))
            {
                ctx.Output.Write(Migrations.SqlServerUpgradeScript());
                return 0;
            }

            IReadOnlyList<MigrationScript> applied;
            if (ctx.Options.Warehouse.Provider == WarehouseProvider.SqlServer)
            {
                applied = await new SqlServerWarehouse(ctx.Options.Warehouse.ConnectionString!).MigrateAsync(ct);
            }
            else
            {
                ctx.Folder.EnsureExists();
                using var writer = WriterLock.Acquire(ctx.Folder.LockFile, ctx.Options.Sync.LockTimeout, m => ctx.Log.LogInformationText(m), ct);
                var warehouse = new DuckDbWarehouse(ctx.Folder, ctx.Options.Warehouse);
                await using var db = await warehouse.OpenForWriteAsync(ct);
                applied = warehouse.LastApplied;
            }

            ctx.Output.WriteLine($"schema version {Migrations.LatestVersion(ctx.Options.Warehouse.Provider == WarehouseProvider.SqlServer ? "sqlserver" : DuckDbWarehouse.Dialect)}");
            foreach (var s in applied)
            {
                ctx.Log.LogInformationText($"applied {s.Name}");
            }

            return 0;
        }));
        return new Command("db", "Warehouse schema.") { migrate };
    }
}
