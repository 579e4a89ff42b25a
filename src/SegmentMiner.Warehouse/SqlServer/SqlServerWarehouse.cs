using Dapper;
using Microsoft.Data.SqlClient;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>
/// The production warehouse on SQL Server. Schema changes are a DBA's: <c>segminer db migrate --script</c> prints the
/// T-SQL, or <c>segminer db migrate</c> applies it with the configured login. Every other command checks the schema
/// version first and refuses an outdated one.
/// </summary>
public sealed class SqlServerWarehouse
{
    public const string Dialect = "sqlserver";
    private readonly string _connectionString;

    public SqlServerWarehouse(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString) { ApplicationName = "SegmentMiner" };
        _connectionString = builder.ConnectionString;
    }

    public async Task<SqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (SqlException ex)
        {
            await connection.DisposeAsync();
            // The message of a SqlException names the server, never the password.
            throw new WarehouseException($"cannot connect to the SQL Server warehouse: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<MigrationScript>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Migrations.ApplyAsync(connection, Dialect, Migrations.SplitOnGo, () => DateTime.UtcNow, cancellationToken);
    }

    /// <summary>Throws when the database lacks a migration this build ships.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var applied = await Migrations.AppliedAsync(connection, cancellationToken);
        var latest = Migrations.LatestVersion(Dialect);
        var current = applied.Count == 0 ? 0 : applied.Max();
        if (current < latest)
        {
            throw new WarehouseException(
                $"the SQL Server warehouse is at schema version {current}, this build needs {latest}; " +
                "run 'segminer db migrate' or have a DBA run the output of 'segminer db migrate --script'");
        }

        _ = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
    }
}
