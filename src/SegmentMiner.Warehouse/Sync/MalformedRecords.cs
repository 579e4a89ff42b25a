using System.Text;
using Dapper;
using DuckDB.NET.Data;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// The lines of the records whose quoting is broken (<see cref="RecordLines"/>), as rejected rows: one per line, the
/// first with the reason, the others swallowed by it; each line's text as the file has it (up to 8,000 bytes).
/// </summary>
internal static class MalformedRecords
{
    /// <summary>The reason of a line a malformed row took after its first: this, its first line, its reason in brackets.</summary>
    public const string SwallowedBy = "swallowed by the malformed row that starts on line ";

    private const int MaxLineBytes = 8000;

    public static async Task WriteAsync(DuckDBConnection db, string path, IReadOnlyList<MalformedRecord> records, string table, CancellationToken cancellationToken)
    {
        await db.ExecuteAsync(new CommandDefinition($"CREATE OR REPLACE TEMP TABLE {table} (line BIGINT, error_message VARCHAR, csv_line VARCHAR)", cancellationToken: cancellationToken));
        if (records.Count == 0)
        {
            return;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        using var appender = db.CreateAppender(table);
        foreach (var record in records)
        {
            var line = record.FirstLine;
            await foreach (var text in LinesAsync(stream, record, cancellationToken))
            {
                var reason = line == record.FirstLine ? record.Reason : $"{SwallowedBy}{record.FirstLine} ({record.Reason})";
                appender.CreateRow().AppendValue(line++).AppendValue(reason).AppendValue(text).EndRow();
            }
        }
    }

    private static async IAsyncEnumerable<string> LinesAsync(FileStream stream, MalformedRecord record, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        stream.Position = record.Start;
        var buffer = new byte[1 << 16];
        var current = new MemoryStream();
        var left = record.End - record.Start;
        while (left > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            left -= read;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    yield return Text(current);
                }
                else if (current.Length < MaxLineBytes)
                {
                    current.WriteByte(buffer[i]);
                }
            }
        }

        if (current.Length > 0)
        {
            yield return Text(current);
        }
    }

    private static string Text(MemoryStream line)
    {
        var text = Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r');
        line.SetLength(0);
        return text;
    }
}
