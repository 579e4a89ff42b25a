using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// The SQL Server warehouse as a user meets it without a server: every command that needs the warehouse opens it
/// first and fails the same way, fast, naming the server and never the password.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SqlServerConnectionTests
{
    private const string Marker = "Marker-7f3a-not-for-output";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    [Test]
    public async Task EveryCommand_OnAServerThatDoesNotListen_ExitsOne_WithOneLineNamingServerAndDatabase_AndNeverThePassword()
    {
        using var w = new TestWarehouse();
        using var cli = new CliRun();
        var port = FreePort();
        var config = UnreachableServer(w.Root, port);
        string[][] commands =
        [
            ["db", "migrate"], ["sync"], ["sql", "SELECT 1"], ["publish"], ["export", "--out", Path.Combine(w.Root, "out")],
            ["status"], ["run-once"], ["models", "process"],
        ];
        foreach (var command in commands)
        {
            var watch = Stopwatch.StartNew();
            var (code, stdout, stderr) = await cli.RunAsync([.. command, "--config", config, "--data-dir", w.Root]);
            var name = string.Join(' ', command);
            Assert.That(code, Is.EqualTo(1), $"{name}: {stderr}");
            Assert.That(watch.Elapsed, Is.LessThan(ConnectTimeout), $"{name} fails before the connect timeout");
            Assert.That(stdout, Is.Empty, name);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(1), $"{name}: one line: {stderr}");
            Assert.That(lines[0], Does.StartWith("error: cannot connect to the SQL Server warehouse (server tcp:127.0.0.1," + port + ", database SegMart)"), name);
            Assert.That(stderr + stdout, Does.Not.Contain(Marker), name);
        }

        var leaks = Directory.EnumerateFiles(w.Root, "*", SearchOption.AllDirectories)
            .Where(f => f != config && File.ReadAllText(f).Contains(Marker, StringComparison.Ordinal)).ToList();
        Assert.That(leaks, Is.Empty, "no file under the data folder holds the password");
    }

    [TestCase("INSERT INTO dw.DimCustomer (AccountId) VALUES ('x')", "INSERT is refused")]
    [TestCase("UPDATE dw.DimCustomer SET Name = 'x'", "UPDATE is refused")]
    [TestCase("DELETE FROM seg.SegmentRun", "DELETE is refused")]
    [TestCase("MERGE dw.DimCustomer AS t USING (SELECT 1 AS a) s ON 1 = 0 WHEN NOT MATCHED THEN INSERT (AccountId) VALUES ('x');", "MERGE is refused")]
    [TestCase("TRUNCATE TABLE seg.SegmentRun", "TRUNCATE TABLE is refused")]
    [TestCase("DROP TABLE seg.SegmentRun", "DROP TABLE is refused")]
    [TestCase("CREATE TABLE dbo.t (a int)", "CREATE TABLE is refused")]
    [TestCase("EXEC sp_configure 'xp_cmdshell', 1", "EXEC is refused")]
    [TestCase("EXECUTE ('SELECT 1')", "EXEC is refused")]
    [TestCase("WAITFOR DELAY '00:00:05'", "WAITFOR is refused")]
    [TestCase("SELECT * INTO dbo.Copy FROM seg.vSegment", "SELECT ... INTO writes a table")]
    [TestCase("SELECT 1; SELECT 2", "only one statement may be run")]
    [TestCase("SELECT 1\nGO\nDELETE FROM seg.SegmentRun", "only one statement may be run")]
    [TestCase("SELECT * FROM OPENROWSET('SQLNCLI', 'Server=x;Trusted_Connection=yes;', 'SELECT 1') AS r", "OPENROWSET is refused")]
    [TestCase("SELECT * FROM OPENQUERY(Linked, 'SELECT 1')", "OPENQUERY is refused")]
    [TestCase("SELECT NEXT VALUE FOR dbo.Seq", "NEXT VALUE FOR is refused")]
    [TestCase("SELECT * FROM seg.SegmentRun WITH (TABLOCKX, HOLDLOCK)", "locking hint")]
    [TestCase("GRANT CONTROL TO public", "GRANT is refused")]
    [TestCase("SHUTDOWN WITH NOWAIT", "SHUTDOWN is refused")]
    [TestCase("SELEC 1", "EXEC is refused")] // T-SQL reads a lone name as a procedure call
    [TestCase("SELECT * FROM (", "query rejected: line 1, column ")]
    public async Task Sql_RefusesWhatIsNotOneReadOnlySelect_BeforeConnecting(string query, string why)
    {
        using var w = new TestWarehouse();
        using var cli = new CliRun();
        var config = UnreachableServer(w.Root, FreePort());
        var (code, stdout, stderr) = await cli.RunAsync("sql", query.Replace("\\n", "\n", StringComparison.Ordinal), "--config", config, "--data-dir", w.Root);
        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain(why).And.Not.Contain("cannot connect"), "refused before any connection");
    }

    [TestCase("SELECT TOP (10) Model, Name FROM seg.vSegment ORDER BY Population DESC")]
    [TestCase("WITH s AS (SELECT Model, count(*) AS n FROM seg.vCustomerSegment GROUP BY Model) SELECT * FROM s")]
    [TestCase("SELECT a.AccountId FROM dw.DimCustomer AS a WITH (NOLOCK) WHERE a.IsCurrent = 1")]
    public async Task Sql_AcceptsAReadOnlySelect_AndThenConnects(string query)
    {
        using var w = new TestWarehouse();
        using var cli = new CliRun();
        var config = UnreachableServer(w.Root, FreePort());
        var (code, _, stderr) = await cli.RunAsync("sql", query, "--config", config, "--data-dir", w.Root);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith("error: cannot connect to the SQL Server warehouse"), "the check passed, and the connection is what failed");
    }

    /// <summary>Settings naming a SQL Server warehouse at a loopback port nothing listens on.</summary>
    private static string UnreachableServer(string root, int port)
    {
        var config = Path.Combine(root, "settings.json");
        File.WriteAllText(config, $$"""
            { "Warehouse": { "Provider": "SqlServer",
                             "ConnectionString": "Server=tcp:127.0.0.1,{{port}};Database=SegMart;User ID=segminer;Password={{Marker}};Connect Timeout={{ConnectTimeout.TotalSeconds}};Encrypt=false" } }
            """);
        return config;
    }

    [Test]
    public async Task TheConnection_CarriesApplicationNameSegmentMiner_AndALoginThatFails_IsOneLine()
    {
        using var w = new TestWarehouse();
        using var cli = new CliRun();
        using var server = new FakeTdsServer();
        var config = Path.Combine(w.Root, "settings.json");
        File.WriteAllText(config, $$"""
            { "Warehouse": { "Provider": "SqlServer",
                             "ConnectionString": "Server=tcp:127.0.0.1,{{server.Port}};Database=SegMart;User ID=segminer;Password={{Marker}};Application Name=Other;Encrypt=false;Connect Timeout=5;ConnectRetryCount=0" } }
            """);
        var (code, stdout, stderr) = await cli.RunAsync("status", "--config", config, "--data-dir", w.Root);
        Assert.That(await server.Login.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(("SegmentMiner", "SegMart")), "what the server saw at login");
        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1)
            .And.Exactly(1).StartsWith($"error: cannot connect to the SQL Server warehouse (server tcp:127.0.0.1,{server.Port}, database SegMart): "));
        Assert.That(stderr, Does.Not.Contain(Marker));
    }

    [Test]
    public void AMalformedConnectionString_IsASettingsError_ThatShowsNoValue()
    {
        var ex = Assert.Throws<WarehouseException>(() => _ = new SqlServerWarehouse($"Server=db;Password={Marker};Connect Timeout=soon"));
        Assert.That(ex!.Message, Does.StartWith("Warehouse:ConnectionString: ").And.Not.Contain(Marker));
    }

    [TestCase("Active Directory Default")]
    [TestCase("Active Directory Managed Identity")]
    [TestCase("Active Directory Interactive")]
    public void EntraAuthentication_WithoutTheAzureExtension_SaysWhichPackageToAdd(string method)
    {
        var ex = Assert.Throws<WarehouseException>(() => _ = new SqlServerWarehouse($"Server=tcp:db.example.com,1433;Database=SegMart;Authentication={method}"));
        Assert.That(ex!.Message, Does.Contain("Microsoft.Data.SqlClient.Extensions.Azure").And.Not.Contain("\n"));
    }

    [TestCase("User ID=sm;Password=x")]
    [TestCase("Integrated Security=true")]
    public void SqlAndWindowsAuthentication_NeedNoExtension(string credentials) =>
        Assert.That(new SqlServerWarehouse($"Server=tcp:db.example.com,1433;Database=SegMart;{credentials}").Describe,
            Is.EqualTo("the SQL Server warehouse (server tcp:db.example.com,1433, database SegMart)"));

    [TestCase("tcp:db.example.com,1500", "db.example.com", 1500)]
    [TestCase("db.example.com,1500", "db.example.com", 1500)]
    [TestCase("db.example.com", "db.example.com", 1433)]
    [TestCase(".", "localhost", 1433)]
    [TestCase("(local)", "localhost", 1433)]
    [TestCase("tcp:10.0.0.5\\SALES,1600", "10.0.0.5", 1600)]
    public void TheProbedEndpoint_IsTheDataSourcesHostAndPort(string dataSource, string host, int port) =>
        Assert.That(SqlServerEndpoint.Parse(dataSource), Is.EqualTo(new SqlServerEndpoint(host, port)));

    [TestCase("db\\SALES")]
    [TestCase("np:\\\\db\\pipe\\sql\\query")]
    [TestCase("(localdb)\\MSSQLLocalDB")]
    [TestCase("db,port")]
    public void NamedInstancesPipesAndLocalDb_AreLeftToSqlClient(string dataSource) =>
        Assert.That(SqlServerEndpoint.Parse(dataSource), Is.Null);

    /// <summary>A loopback port nothing listens on: one the system just gave out and took back.</summary>
    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
