using System.Data;
using System.Globalization;
using System.Text;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>
/// Migrations on SQL Server with DbUp: its journal table <c>ops.SchemaVersions</c>, one transaction per script,
/// scripts named as shipped (<c>0003_create_segments.sql</c>). Before DbUp reads its journal, version 0 (the
/// <c>ops</c> schema and <c>ops.SchemaVersion</c>, idempotent) runs, and a warehouse migrated before DbUp has its
/// journal adopted, so it upgrades in place instead of running its scripts again. Each script also writes its row
/// to <c>ops.SchemaVersion</c> (version and hash, read by <c>status</c> and the schema check) in its transaction.
/// </summary>
public static class SqlServerMigrator
{
    public const string JournalSchema = "ops";
    public const string JournalTable = "SchemaVersions";

    /// <summary>The DbUp journal, created as DbUp creates it, and filled from the journal of the runner before it.</summary>
    internal const string AdoptJournal =
        """
        IF OBJECT_ID(N'ops.SchemaVersions', N'U') IS NULL
        CREATE TABLE ops.SchemaVersions (
            Id INT IDENTITY(1,1) NOT NULL CONSTRAINT PK_SchemaVersions_Id PRIMARY KEY,
            ScriptName NVARCHAR(255) NOT NULL,
            Applied DATETIME NOT NULL);
        INSERT INTO ops.SchemaVersions (ScriptName, Applied)
        SELECT v.ScriptName, CAST(v.AppliedAt AS DATETIME) FROM ops.SchemaVersion AS v
        WHERE NOT EXISTS (SELECT 1 FROM ops.SchemaVersions AS j WHERE j.ScriptName = v.ScriptName)
        ORDER BY v.Version;
        """;

    /// <summary>Applies what DbUp's journal lacks; returns the scripts applied.</summary>
    /// <param name="connect">A new, closed connection to the warehouse each call.</param>
    public static IReadOnlyList<MigrationScript> Run(Func<IDbConnection> connect, TimeSpan? timeout, Action<string> info)
    {
        var scripts = Migrations.Load(SqlServerWarehouse.Dialect);
        using (var connection = connect())
        {
            connection.Open();
            foreach (var batch in Migrations.SplitOnGo(scripts[0].Sql).Append(AdoptJournal))
            {
                using var command = connection.CreateCommand();
                command.CommandText = batch;
                command.ExecuteNonQuery();
            }
        }

        var result = DeployChanges.To.SqlDatabase(new DbUpConnections(connect), JournalSchema)
            .JournalToSqlTable(JournalSchema, JournalTable)
            .WithScripts(scripts.Skip(1).Select(s => new SqlScript(s.Name, Journaled(s))))
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .WithExecutionTimeout(timeout)
            .LogTo(new DbUpLog(info))
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            var error = result.Error ?? new InvalidOperationException("DbUp reported a failure without an error");
            throw new WarehouseException($"migration {result.ErrorScript?.Name ?? "(before the scripts)"} failed and was rolled back: {error.Message.Split('\n')[0].Trim()}", error);
        }

        var applied = result.Scripts.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return scripts.Where(s => applied.Contains(s.Name)).ToList();
    }

    /// <summary>A script as shipped, followed by its row in ops.SchemaVersion (in the script's transaction).</summary>
    public static string Journaled(MigrationScript s) =>
        s.Sql.TrimEnd() + "\nGO\n" +
        $"INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES ({s.Version.ToString(CultureInfo.InvariantCulture)}, N'{s.Name}', N'{s.Sha256}', SYSUTCDATETIME());\n";

    /// <summary>
    /// The whole T-SQL upgrade a DBA runs in SSMS or sqlcmd, without a connection from here: version 0, the DbUp
    /// journal (adopted when the warehouse predates it), then every script guarded by its row in DbUp's journal
    /// (already applied ones are skipped with NOEXEC), each in a transaction with its journal rows. Running the
    /// output, then 'segminer db migrate', applies nothing twice.
    /// </summary>
    public static string UpgradeScript()
    {
        var scripts = Migrations.Load(SqlServerWarehouse.Dialect);
        var sb = new StringBuilder();
        sb.Append("-- SegmentMiner warehouse upgrade to version ").Append(scripts[^1].Version).Append(" (SQL Server 2016 or later).\n");
        sb.Append("-- Safe to run more than once: scripts already in DbUp's journal ops.SchemaVersions are skipped.\n");
        sb.Append("SET XACT_ABORT ON;\nGO\n");
        sb.Append(scripts[0].Sql.TrimEnd()).Append("\nGO\n");
        sb.Append(AdoptJournal.TrimEnd()).Append("\nGO\n");
        foreach (var s in scripts.Skip(1))
        {
            sb.Append("\n-- ").Append(s.Name).Append('\n');
            sb.Append("IF EXISTS (SELECT 1 FROM ops.SchemaVersions WHERE ScriptName = N'").Append(s.Name).Append("') SET NOEXEC ON;\nGO\n");
            sb.Append("BEGIN TRANSACTION;\nGO\n");
            sb.Append(Journaled(s));
            sb.Append("INSERT INTO ops.SchemaVersions (ScriptName, Applied) VALUES (N'").Append(s.Name).Append("', GETDATE());\n");
            sb.Append("COMMIT TRANSACTION;\nGO\nSET NOEXEC OFF;\nGO\n");
        }

        return sb.ToString();
    }

    /// <summary>DbUp's connection manager over our connections (a SqlConnection, or a test's recording one).</summary>
    private sealed class DbUpConnections(Func<IDbConnection> connect)
        : DbUp.Engine.Transactions.DatabaseConnectionManager(new DbUp.Engine.Transactions.DelegateConnectionFactory(_ => connect()))
    {
        public override IEnumerable<string> SplitScriptIntoCommands(string scriptContents) =>
            new DbUp.Support.SqlCommandSplitter().SplitScriptIntoCommands(scriptContents);
    }

    /// <summary>DbUp's progress to our log: which script runs; its debug chatter is dropped.</summary>
    private sealed class DbUpLog(Action<string> info) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) => info(string.Format(CultureInfo.InvariantCulture, format, args));

        public void LogWarning(string format, params object[] args) => info(string.Format(CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) => info(string.Format(CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) => info(string.Format(CultureInfo.InvariantCulture, format, args));
    }
}
