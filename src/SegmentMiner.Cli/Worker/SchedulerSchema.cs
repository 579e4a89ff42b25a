using System.Data.Common;
using Microsoft.Data.SqlClient;
using Npgsql;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Cli.Worker;

/// <summary>
/// <c>segminer db migrate --scheduler</c>: creates the job store's tables with the configured prefix, from the
/// Quartz package's own provisioning script for the store's database (the SQL Server one is also shipped as
/// sql/sqlserver/quartz/ for a DBA). Every statement creates only what is missing.
/// </summary>
internal static class SchedulerSchema
{
    public const string Separator = "--;;";

    public static async Task<int> CreateAsync(JobStoreOptions store, CancellationToken cancellationToken)
    {
        if (store.Kind != JobStoreKind.AdoNet)
        {
            throw new ConfigurationException(["Worker:JobStore:Kind: 'Memory' keeps the schedule in the worker; set AdoNet (and Worker:JobStore:ConnectionString) for 'db migrate --scheduler'."]);
        }

        var statements = Statements(store.Provider, store.TablePrefix);
        await using DbConnection db = store.Provider == JobStoreProvider.PostgreSQL ? new NpgsqlConnection(store.ConnectionString) : new SqlConnection(store.ConnectionString);
        try
        {
            await db.OpenAsync(cancellationToken);
            foreach (var sql in statements)
            {
                await using var command = db.CreateCommand();
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (DbException ex)
        {
            throw new SegmentMinerException($"cannot create the scheduler's tables in the Worker:JobStore database: {ex.Message}", ex);
        }

        return statements.Count;
    }

    /// <summary>The provisioning script's statements, with the prefix in place of its placeholders.</summary>
    public static IReadOnlyList<string> Statements(JobStoreProvider provider, string prefix)
    {
        var bare = prefix[(prefix.LastIndexOf('.') + 1)..];
        return Script(provider).Replace("{0}", prefix, StringComparison.Ordinal).Replace("{1}", bare, StringComparison.Ordinal)
            .Split('\n' + Separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .ToList();
    }

    /// <summary>The script the Quartz assembly carries for the provider.</summary>
    public static string Script(JobStoreProvider provider)
    {
        var name = $"Quartz.Impl.AdoJobStore.Schema.create_{(provider == JobStoreProvider.PostgreSQL ? "postgres" : "sqlServer")}.sql";
        using var stream = typeof(Quartz.IJob).Assembly.GetManifestResourceStream(name)
            ?? throw new SegmentMinerException($"the Quartz package in this build carries no '{name}'");
        return new StreamReader(stream).ReadToEnd().ReplaceLineEndings("\n");
    }
}
