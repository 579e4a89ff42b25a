using System.Data.Common;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Data.SqlClient;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>Rows read from a SQL source, and the newest watermark value among them.</summary>
public sealed record SqlReadResult(long Rows, DateTime? MaxWatermark);

/// <summary>Reads one entity from a SQL source past its watermark into a CSV file that sync then loads like a file drop.</summary>
public interface ISqlSourceReader
{
    Task<SqlReadResult> ReadToCsvAsync(SqlSourceOptions source, SqlEntityOptions entity, DateTime watermark, string csvPath, CancellationToken cancellationToken);
}

/// <summary>
/// The configured query is wrapped, never edited: <c>SELECT * FROM (query) AS q WHERE q.[Watermark] &gt;= @watermark</c>.
/// Reading from the watermark inclusively means rows that share its timestamp are read again; staging keeps one
/// row per key and ModifiedAt, so they are neither lost nor doubled.
/// </summary>
public sealed class SqlSourceReader : ISqlSourceReader
{
    /// <summary>The source's connection; a keyword its driver does not know is the configuration's mistake, said as such.</summary>
    private static DbConnection Connect(SqlSourceOptions source)
    {
        try
        {
            return source.Kind switch
            {
                SqlSourceKind.SqlServer => new SqlConnection(source.ConnectionString),
                SqlSourceKind.DuckDb => new DuckDBConnection(source.ConnectionString ?? ""),
                _ => throw new ConfigurationException([$"Sources: unknown Kind {source.Kind}"]),
            };
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException([$"Sources: the {source.Kind} connection string is not one its driver takes: {e.Message}"]);
        }
    }

    public async Task<SqlReadResult> ReadToCsvAsync(SqlSourceOptions source, SqlEntityOptions entity, DateTime watermark, string csvPath, CancellationToken cancellationToken)
    {
        var column = Identifiers.Require(entity.WatermarkColumn, "WatermarkColumn");
        await using var connection = Connect(source);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandTimeout = source.CommandTimeoutSeconds;
        var parameter = command.CreateParameter();
        parameter.Value = watermark;
        if (source.Kind == SqlSourceKind.SqlServer)
        {
            command.CommandText = $"SELECT * FROM ({entity.Query}) AS q WHERE q.{Identifiers.QuoteBracket(column)} >= @watermark";
            parameter.ParameterName = "@watermark";
        }
        else
        {
            command.CommandText = $"SELECT * FROM ({entity.Query}) AS q WHERE q.{Identifiers.QuoteAnsi(column)} >= $watermark";
            parameter.ParameterName = "watermark";
        }

        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ordinal = -1;
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (string.Equals(reader.GetName(i), column, StringComparison.OrdinalIgnoreCase))
            {
                ordinal = i;
            }
        }

        if (ordinal < 0)
        {
            throw new WarehouseException($"the query returns no column '{column}' (the watermark column)");
        }

        long rows = 0;
        DateTime? max = null;
        await using var writer = new StreamWriter(csvPath, false, new UTF8Encoding(false));
        writer.NewLine = "\n";
        await writer.WriteLineAsync(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => Csv.Escape(reader.GetName(i)))));
        var fields = new string[reader.FieldCount];
        while (await reader.ReadAsync(cancellationToken))
        {
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = Csv.Escape(Csv.Format(reader.IsDBNull(i) ? null : reader.GetValue(i)));
            }

            if (!reader.IsDBNull(ordinal) && reader.GetValue(ordinal) is DateTime w && (max is null || w > max))
            {
                max = w;
            }

            await writer.WriteLineAsync(string.Join(",", fields));
            rows++;
        }

        return new SqlReadResult(rows, max);
    }
}

/// <summary>RFC 4180 writing with invariant formats that the source contract accepts.</summary>
public static class Csv
{
    public static string Escape(string? value)
    {
        if (value is null)
        {
            return "";
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static string? Format(object? value) => value switch
    {
        null or DBNull => null,
        // A midnight value is written as a date: it may come from a DATE column, and timestamps accept a bare date.
        DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
