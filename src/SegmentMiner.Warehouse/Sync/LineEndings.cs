namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// A copy of a text file with every CRLF turned into LF, for a reader that takes one line ending, and with the
/// records given to blank reduced to their line breaks: the same lines, the same line numbers.
/// </summary>
internal static class LineEndings
{
    public static async Task<string> ToLfAsync(string path, IReadOnlyList<MalformedRecord> blank, CancellationToken cancellationToken)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"segminer-lf-{Guid.NewGuid():N}.csv");
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var output = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        var result = new byte[1 << 16];
        var pendingCr = false;
        var (position, next) = (0L, 0);
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var n = 0;
            for (var i = 0; i < read; i++, position++)
            {
                while (next < blank.Count && position >= blank[next].End)
                {
                    next++;
                }

                var b = buffer[i];
                if (next < blank.Count && position >= blank[next].Start)
                {
                    pendingCr = false;
                    if (b == (byte)'\n')
                    {
                        result[n++] = b; // a blanked record keeps only its line breaks
                    }
                }
                else
                {
                    if (pendingCr && b != (byte)'\n')
                    {
                        result[n++] = (byte)'\r'; // a CR not followed by LF stays
                    }

                    pendingCr = b == (byte)'\r';
                    if (!pendingCr)
                    {
                        result[n++] = b;
                    }
                }

                if (n >= result.Length - 1)
                {
                    await output.WriteAsync(result.AsMemory(0, n), cancellationToken);
                    n = 0;
                }
            }

            await output.WriteAsync(result.AsMemory(0, n), cancellationToken);
        }

        if (pendingCr)
        {
            output.WriteByte((byte)'\r');
        }

        return copy;
    }
}
