namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// One pass over a CSV file's bytes that finds its records as RFC 4180 defines them (a quote opens a value only at
/// its start; a doubled quote inside one is a quote). DuckDB numbers rows by record and recovers from broken quoting
/// in ways that attribute rows to the wrong lines (a value that closes its quote and goes on, a quote left open, a
/// carriage return alone inside a row), so such a record is found here, its lines are blanked in the copy DuckDB
/// reads, and it is rejected line by line with its reason. Blank lines are no records (DuckDB skips them). A file
/// whose lines end in CRLF and in LF alone is read from an LF copy: DuckDB counts a CRLF there as two lines.
/// </summary>
internal sealed class RecordLines
{
    public const string UnterminatedQuote = "unterminated quote: a quoted value opened in this row is not closed before the end of the file";
    public const string TextAfterQuote = "a quoted value is followed by text before the next delimiter (a quote inside a value must be doubled)";
    public const string BareCarriageReturn = "a carriage return that ends no line is inside the row";

    private readonly List<LineShift> _shifts = [];
    private readonly List<MalformedRecord> _malformed = [];
    private int _endings; // 1: a line ends in LF alone, 2: one ends in CRLF
    private long _records, _blankLines, _quotedBreaks, _extra;
    private long _line = 1, _startLine = 1, _start;
    private bool _quoted, _afterClose, _pendingCr, _content, _fieldStart = true;
    private string? _bad;

    public static async Task<RecordScan> ScanAsync(string path, CancellationToken cancellationToken)
    {
        var scan = new RecordLines();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        long position = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++, position++)
            {
                scan.Next(buffer[i], position);
            }
        }

        scan.End(position);
        return new RecordScan(scan._shifts, scan._malformed, scan._endings == 3);
    }

    private void Next(byte b, long position)
    {
        if (_quoted)
        {
            _quoted = b != (byte)'"';
            _afterClose = !_quoted;
            _line += b == (byte)'\n' ? 1 : 0;
            return;
        }

        var crlf = _pendingCr && b == (byte)'\n';
        if (_pendingCr)
        {
            _pendingCr = false;
            _bad ??= crlf ? null : BareCarriageReturn;
        }

        if (b == (byte)'\r')
        {
            _pendingCr = true;
            return;
        }

        if (_afterClose)
        {
            _afterClose = false;
            if (b == (byte)'"')
            {
                _quoted = true; // a doubled quote inside the value
                return;
            }

            _bad ??= b is (byte)',' or (byte)'\n' ? null : TextAfterQuote;
        }

        if (b == (byte)'\n')
        {
            _endings |= crlf ? 2 : 1;
            EndRecord(position + 1);
            _line++;
            _startLine = _line;
            return;
        }

        _content = true;
        _quoted = b == (byte)'"' && _fieldStart;
        _fieldStart = b == (byte)',';
    }

    private void End(long length)
    {
        if (_start >= length)
        {
            return;
        }

        if (_quoted)
        {
            _bad ??= UnterminatedQuote;
            _content = true;
        }

        EndRecord(length);
    }

    /// <summary>A record ends at <paramref name="end"/> (after its line break): count it, and note a shift for the next.</summary>
    private void EndRecord(long end)
    {
        var lines = _line - _startLine + 1;
        if (_records == 0 || (_content && _bad is null))
        {
            _records++;
            _quotedBreaks += lines - 1;
        }
        else
        {
            _blankLines += lines;
            if (_content)
            {
                _malformed.Add(new MalformedRecord(_startLine, _start, end, _bad!));
            }
        }

        if (_blankLines + _quotedBreaks != _extra)
        {
            _extra = _blankLines + _quotedBreaks;
            var next = _records + 1;
            if (_shifts.Count > 0 && _shifts[^1].RecordLine == next)
            {
                _shifts.RemoveAt(_shifts.Count - 1); // blank lines in a row move the same next record: one shift for it
            }

            _shifts.Add(new LineShift(next, next + _blankLines, _extra));
        }

        (_start, _content, _bad, _fieldStart, _afterClose) = (end, false, null, true, false);
    }
}
