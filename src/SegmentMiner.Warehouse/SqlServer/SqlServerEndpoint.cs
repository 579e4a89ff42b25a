using System.Net.Sockets;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>
/// The TCP host and port a connection string's Data Source names, probed before SqlClient connects: SqlClient
/// retries a refused port until Connect Timeout runs out, while a refused or unknown host is certain at once.
/// Named instances (resolved by the SQL Server Browser), named pipes and LocalDB are not probed.
/// </summary>
public sealed record SqlServerEndpoint(string Host, int Port)
{
    public const int DefaultPort = 1433;

    /// <summary>The endpoint of a Data Source such as <c>tcp:host,1433</c>, <c>host,1433</c>, <c>host</c> or <c>.</c>; null when it is not plain TCP.</summary>
    public static SqlServerEndpoint? Parse(string dataSource)
    {
        var s = dataSource.Trim();
        if (s.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
        {
            s = s[4..];
        }
        else if (s.Contains(':', StringComparison.Ordinal) || s.StartsWith("(localdb)", StringComparison.OrdinalIgnoreCase))
        {
            return null; // np:, lpc:, admin:, LocalDB
        }

        var comma = s.LastIndexOf(',');
        var host = comma < 0 ? s : s[..comma].Trim();
        var port = DefaultPort;
        if (comma >= 0 && !int.TryParse(s[(comma + 1)..].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port))
        {
            return null;
        }

        if (host.Length == 0 || (comma < 0 && host.Contains('\\', StringComparison.Ordinal)))
        {
            return null;
        }

        host = host.Split('\\')[0];
        return new SqlServerEndpoint(host is "." or "(local)" ? "localhost" : host, port);
    }

    /// <summary>Null when something accepts a connection at the endpoint within the timeout; otherwise why not.</summary>
    public async Task<string?> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(Host, Port, limit.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {timeout.TotalSeconds:0} s (Connect Timeout)";
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "nothing listens on that port (connection refused)",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name is not known",
                _ => ex.Message,
            };
        }
    }
}
