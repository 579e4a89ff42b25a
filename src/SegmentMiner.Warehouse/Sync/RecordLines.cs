namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// Where a CSV file's records start when some span lines (a quoted field holding a line break, or a quote left
/// open) or some lines are blank (DuckDB skips them): DuckDB numbers rows by record, the file by line. One pass over the bytes (RFC 4180: a quote opens a field
/// only at its start) gives the shifts: from record line <c>RecordLine</c> on (the header is record line 1), each
/// record starts <c>Extra</c> lines further down the file. Empty for the usual file, whose records are its lines.
/// </summary>
internal static class RecordLines
{
    public static async Task<List<(long RecordLine, long Extra)>> ShiftsAsync(string path, CancellationToken cancellationToken)
    {
        var shifts = new List<(long, long)>();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        long record = 1, line = 1, extra = 0;
        bool quoted = false, fieldStart = true, quoteSeen = false, blank = true;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (quoted)
                {
                    // A doubled quote closes and reopens at once: the same state either way.
                    if (b == (byte)'"')
                    {
                        quoted = false;
                        quoteSeen = true;
                    }
                    else if (b == (byte)'\n')
                    {
                        line++;
                    }

                    continue;
                }

                if (b == (byte)'"' && (fieldStart || quoteSeen))
                {
                    quoted = true;
                }

                quoteSeen = false;
                fieldStart = b is (byte)',' or (byte)'\n';
                if (b is not ((byte)'\n' or (byte)'\r'))
                {
                    blank = false;
                }

                if (b == (byte)'\n')
                {
                    line++;
                    record += blank ? 0 : 1; // a blank line is no record
                    blank = true;
                    if (line - record != extra)
                    {
                        // Blank lines in a row move the same next record further: one shift for it, the last.
                        extra = line - record;
                        if (shifts.Count > 0 && shifts[^1].Item1 == record)
                        {
                            shifts[^1] = (record, extra);
                        }
                        else
                        {
                            shifts.Add((record, extra));
                        }
                    }
                }
            }
        }

        return shifts;
    }
}
