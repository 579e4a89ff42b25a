using System.Data;
using System.Globalization;
using DuckDB.NET.Data;

namespace SegmentMiner.Warehouse.Reading;

/// <summary>
/// Writes the rows of any data reader (a SQL Server view, say) to a Parquet file: they are appended to a table of an
/// in-memory DuckDB, typed from the reader's columns, which then writes the file. Decimals keep four places.
/// </summary>
public static class ParquetFile
{
    public static long Write(IDataReader source, string path)
    {
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        var columns = Enumerable.Range(0, source.FieldCount).Select(i => (Name: source.GetName(i), Type: source.GetFieldType(i))).ToList();
        using (var create = duck.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (" + string.Join(", ", columns.Select(c => $"{Core.Identifiers.QuoteAnsi(c.Name)} {DuckType(c.Type)}")) + ")";
            create.ExecuteNonQuery();
        }

        long rows = 0;
        using (var appender = duck.CreateAppender("t"))
        {
            while (source.Read())
            {
                var row = appender.CreateRow();
                for (var i = 0; i < columns.Count; i++)
                {
                    row = source.IsDBNull(i) ? row.AppendNullValue() : Append(row, source.GetValue(i));
                }

                row.EndRow();
                rows++;
            }
        }

        using var copy = duck.CreateCommand();
        copy.CommandText = $"COPY t TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
        copy.ExecuteNonQuery();
        return rows;
    }

    private static string DuckType(Type t) =>
        t == typeof(long) ? "BIGINT"
        : t == typeof(int) || t == typeof(short) || t == typeof(byte) ? "INTEGER"
        : t == typeof(decimal) ? "DECIMAL(38,4)"
        : t == typeof(double) || t == typeof(float) ? "DOUBLE"
        : t == typeof(bool) ? "BOOLEAN"
        : t == typeof(DateTime) || t == typeof(DateTimeOffset) ? "TIMESTAMP"
        : t == typeof(DateOnly) ? "DATE"
        : "VARCHAR";

    private static IDuckDBAppenderRow Append(IDuckDBAppenderRow row, object value) => value switch
    {
        long v => row.AppendValue(v),
        int v => row.AppendValue(v),
        short v => row.AppendValue((int)v),
        byte v => row.AppendValue((int)v),
        decimal v => row.AppendValue(v),
        double v => row.AppendValue(v),
        float v => row.AppendValue((double)v),
        bool v => row.AppendValue(v),
        DateTime v => row.AppendValue(v),
        DateTimeOffset v => row.AppendValue(v.UtcDateTime),
        DateOnly v => row.AppendValue(v),
        IFormattable f => row.AppendValue(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => row.AppendValue(value.ToString()),
    };
}
