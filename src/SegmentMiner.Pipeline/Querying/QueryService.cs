using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Pipeline.Querying;

/// <summary>Read-only queries and file exports of the warehouse: <c>segminer sql</c> and <c>segminer export</c>.</summary>
public sealed class QueryService(IWarehouseBackend backend)
{
    /// <summary>One read-only statement, refused before any connection when it could write.</summary>
    public Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken) => backend.QueryAsync(sql, cancellationToken);

    public Task<IReadOnlyList<(string File, long Rows)>> ExportAsync(string folder, string format, CancellationToken cancellationToken) =>
        SegmentExport.WriteAsync(backend.Reader, folder, format, cancellationToken);

    /// <summary>The current segments of every model, largest first: what the demo prints.</summary>
    public Task<QueryResult> CurrentSegmentsAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT Model, Product, SegmentKey, Name, Population, round(100 * Share, 1) AS SharePct FROM seg.vSegment WHERE NOT IsRetired ORDER BY Model, Product, Population DESC", cancellationToken);
}
