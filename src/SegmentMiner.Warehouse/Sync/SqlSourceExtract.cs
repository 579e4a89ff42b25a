using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// A SQL source's rows past its watermark, written to a temporary CSV that the raw reader then reads like a file
/// drop (both warehouses): the file's name records source, entity and watermark.
/// </summary>
internal static partial class SqlSourceExtract
{
    /// <summary>The temporary file and the new watermark; null when the query returned no rows.</summary>
    public static async Task<(SourceFileInfo File, (string Source, DateTime Max)? Watermark)?> ToCsvAsync(
        ISqlSourceReader reader, ILogger log, EntitySpec spec, string sourceName, SqlSourceOptions source, SqlEntityOptions entity, DateTime? stored,
        List<string> tempFiles, CancellationToken cancellationToken)
    {
        var watermark = stored ?? new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var temp = Path.Combine(Path.GetTempPath(), $"segminer-{Environment.ProcessId}-{sourceName}-{spec.Name}.csv");
        tempFiles.Add(temp);
        SqlReadResult read;
        try
        {
            read = await reader.ReadToCsvAsync(source, entity, watermark, temp, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new WarehouseException($"source {sourceName}/{spec.Name}: the query failed: {ex.Message}", ex);
        }

        LogSqlRead(log, sourceName, spec.Name, read.Rows, entity.WatermarkColumn, watermark);
        if (read.Rows == 0)
        {
            return null;
        }

        var info = new SourceFileInfo(spec.Name, $"sql:{sourceName}/{spec.Name}@{watermark.ToString("O", CultureInfo.InvariantCulture)}", temp, new FileInfo(temp).Length, SourceFileInfo.HashFile(temp));
        return (info, read.MaxWatermark is { } max ? (sourceName, max) : null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "source {Source}/{Entity}: {Rows} rows with {Column} >= {Watermark:O}")]
    private static partial void LogSqlRead(ILogger logger, string source, string entity, long rows, string column, DateTime watermark);
}
