using Dapper;
using Microsoft.Data.SqlClient;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>
/// The production warehouse on SQL Server. Schema changes are a DBA's: <c>segminer db migrate --script</c> prints the
/// T-SQL, or <c>segminer db migrate</c> applies it with the configured login. Every other command checks the schema
/// version first and refuses an outdated one. Connections carry <c>Application Name=SegmentMiner</c>; messages
/// name the server and database as the connection string writes them, never a credential.
/// </summary>
public sealed class SqlServerWarehouse
{
    public const string Dialect = "sqlserver";
    public const string ApplicationName = "SegmentMiner";
    private readonly string _connectionString;
    private readonly TimeSpan _connectTimeout;

    /// <param name="connectionString">Warehouse:ConnectionString (a secret).</param>
    /// <param name="commandTimeout">Warehouse:CommandTimeout, for long statements (sync, publish, case views); default 30 minutes.</param>
    public SqlServerWarehouse(string connectionString, TimeSpan? commandTimeout = null)
    {
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The builder's messages name a keyword or a value's type, never the value.
            throw new WarehouseException($"Warehouse:ConnectionString: {ex.Message}", ex);
        }

        RequireAuthenticationProvider(builder.Authentication);
        CommandTimeoutSeconds = (int)Math.Clamp((commandTimeout ?? TimeSpan.FromMinutes(30)).TotalSeconds, 1, int.MaxValue);
        builder.CommandTimeout = CommandTimeoutSeconds; // every command's default (publish, migrations, the case views)
        _connectionString = builder.ConnectionString;
        _connectTimeout = TimeSpan.FromSeconds(Math.Max(builder.ConnectTimeout, 1));
        Server = builder.DataSource;
        Database = string.IsNullOrEmpty(builder.InitialCatalog) ? "(the login's default database)" : builder.InitialCatalog;
    }

    /// <summary>The Data Source as the connection string writes it (host, port or instance).</summary>
    public string Server { get; }

    public string Database { get; }

    /// <summary>How messages name this warehouse.</summary>
    public string Describe => $"the SQL Server warehouse (server {Server}, database {Database})";

    /// <summary>Seconds a statement may run (Warehouse:CommandTimeout): every command's default, through the connection string.</summary>
    public int CommandTimeoutSeconds { get; }

    /// <summary>Opens a connection, failing with one line that names server and database when it cannot.</summary>
    public async Task<SqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (SqlServerEndpoint.Parse(Server) is { } endpoint && await endpoint.ProbeAsync(_connectTimeout, cancellationToken) is { } why)
        {
            throw new WarehouseException($"cannot connect to {Describe}: {why}");
        }

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
            throw new WarehouseException($"cannot connect to {Describe}: {FirstLine(ex.Message)}", ex);
        }
    }

    /// <summary>Applies pending migrations with DbUp (<see cref="SqlServerMigrator"/>); returns what it applied.</summary>
    public async Task<IReadOnlyList<MigrationScript>> MigrateAsync(Action<string> info, CancellationToken cancellationToken = default)
    {
        await (await OpenAsync(cancellationToken)).DisposeAsync(); // fails with the one-line message when unreachable
        try
        {
            return await Task.Run(() => SqlServerMigrator.Run(() => new SqlConnection(_connectionString), TimeSpan.FromSeconds(CommandTimeoutSeconds), info), cancellationToken);
        }
        catch (SqlException ex)
        {
            throw new WarehouseException($"migrating {Describe} failed: {FirstLine(ex.Message)}", ex);
        }
    }

    /// <summary>Connects and throws when the database lacks a migration this build ships.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var applied = await Migrations.AppliedAsync(connection, cancellationToken);
        var latest = Migrations.LatestVersion(Dialect);
        var current = applied.Count == 0 ? 0 : applied.Max();
        if (current < latest)
        {
            throw new WarehouseException(
                $"{Describe} is at schema version {current}, this build needs {latest}; " +
                "run 'segminer db migrate' or have a DBA run the output of 'segminer db migrate --script'");
        }
    }

    /// <summary>
    /// Microsoft Entra authentication needs SqlClient's Azure extension, which this build does not ship (it is not
    /// served where it is built); a connection string that asks for it fails here with one line naming the package.
    /// </summary>
    private static void RequireAuthenticationProvider(SqlAuthenticationMethod method)
    {
        if (method is SqlAuthenticationMethod.NotSpecified or SqlAuthenticationMethod.SqlPassword || SqlAuthenticationProvider.GetProvider(method) is not null)
        {
            return;
        }

        throw new WarehouseException(
            $"Warehouse:ConnectionString asks for Authentication={method} (Microsoft Entra), which needs the package Microsoft.Data.SqlClient.Extensions.Azure: " +
            "add it to src/SegmentMiner.Cli ('dotnet add package Microsoft.Data.SqlClient.Extensions.Azure') and rebuild, or use SQL or Windows authentication");
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }
}
