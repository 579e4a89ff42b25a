using System.Diagnostics;
using System.Globalization;
using System.Text;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Reliability.Tests;

/// <summary>
/// Mutated source files through sync's own reader and validator (<see cref="SourceFileCheck"/>): truncation, byte
/// flips, BOMs and UTF-16, CRLF/LF mixes, quotes and newlines in fields, huge fields, wrong column counts, duplicate
/// keys, out-of-range dates and numbers, thousand separators. Nothing crashes; a file that cannot be read is an
/// error naming it; every line is accounted for once (accepted or rejected with a reason, at its own line); every
/// record made only of untouched good lines is accepted at its line. <c>dotnet test</c> runs 300 inputs; the full
/// campaign (README) sets SEGMINER_FUZZ_INPUTS.
/// </summary>
[TestFixture]
public sealed class SourceFuzzTests
{
    private static readonly int Inputs = int.TryParse(Environment.GetEnvironmentVariable("SEGMINER_FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var n) ? n : 300;

    /// <summary>SEGMINER_FUZZ_KEEP=folder keeps the files of the inputs that show a problem, to replay them.</summary>
    private static readonly string? Keep = Environment.GetEnvironmentVariable("SEGMINER_FUZZ_KEEP");

    private static readonly (string Entity, string Header, Func<int, string> Row)[] Entities =
    [
        ("invoices", "InvoiceId,AccountId,SubscriptionId,InvoiceDate,DueDate,PaidDate,Amount,Currency,Status,ModifiedAt,IsDeleted",
            i => $"I{i},A{i % 7},S{i},2025-0{1 + i % 9}-1{i % 10},2025-0{1 + i % 9}-28,,{i * 13 % 997}.{i % 100:00},EUR,Paid,2025-01-0{1 + i % 9}T10:00:00Z,0"),
        ("accounts", "AccountId,Name,Industry,Country,Region,EmployeeBand,AnnualRevenueBand,CreatedAt,ModifiedAt,IsDeleted",
            i => $"A{i},\"Company {i}, Ltd\",Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-02-0{1 + i % 9}T08:30:00+02:00,{i % 2}"),
    ];

    [Test]
    public async Task MutatedSourceFiles_CrashNothing_AndAccountForEveryLine()
    {
        var root = Path.Combine(Path.GetTempPath(), "segminer-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var random = new Random(2026);
        var problems = new List<string>();
        var (unreadable, rejectedLines, acceptedLines) = (0, 0L, 0L);
        var watch = Stopwatch.StartNew();
        await using var db = await SourceFileCheck.OpenAsync();
        try
        {
            for (var input = 0; input < Inputs; input++)
            {
                var (entity, header, row) = Entities[input % Entities.Length];
                var file = FuzzFile.Mutate(header, Enumerable.Range(1, 12 + random.Next(30)).Select(row).ToList(), random);
                var path = Path.Combine(root, $"{entity}-{input}.csv");
                await File.WriteAllBytesAsync(path, file.Bytes);
                SourceFileReport report;
                try
                {
                    report = await SourceFileCheck.RunAsync(db, path, entity);
                }
                catch (WarehouseException e) when (e.Message.StartsWith(Path.GetFileName(path) + ":", StringComparison.Ordinal))
                {
                    unreadable++;
                    continue;
                }
                catch (Exception e)
                {
                    problems.Add($"input {input} ({file.Describe}): {e.GetType().Name}: {e.Message}");
                    continue;
                }

                var found = file.Check(report).Select(p => $"input {input} ({file.Describe}): {p}").ToList();
                problems.AddRange(found);
                if (found.Count > 0 && Keep is not null)
                {
                    Directory.CreateDirectory(Keep);
                    File.Copy(path, Path.Combine(Keep, Path.GetFileName(path)), overwrite: true);
                }

                rejectedLines += report.Rejected.Count;
                acceptedLines += report.AcceptedLines.Count;
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }

        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"source fuzzing: {Inputs} mutated files in {watch.Elapsed.TotalSeconds:0.0} s ({Inputs / watch.Elapsed.TotalSeconds:0} inputs/s): {unreadable} refused whole with the file named, {acceptedLines} lines accepted, {rejectedLines} rejected with a reason, {problems.Count} problems in {problems.Select(p => p.Split(' ')[1]).Distinct().Count()} inputs"));
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems.Take(30)));
    }
}

/// <summary>A mutated CSV: its bytes, and for each physical line whether it is an untouched good row.</summary>
internal sealed class FuzzFile
{
    private readonly List<(string Text, bool Good)> _lines;
    private readonly string _text;

    private FuzzFile(List<(string Text, bool Good)> lines, byte[] bytes, string text, string describe)
    {
        _lines = lines;
        Bytes = bytes;
        _text = text;
        Describe = describe;
    }

    public byte[] Bytes { get; }

    public string Describe { get; }

    public static FuzzFile Mutate(string header, List<string> rows, Random random)
    {
        var lines = rows.Select(r => (Text: r, Good: true)).ToList();
        var applied = new List<string>();
        for (var m = random.Next(1, 4); m > 0; m--)
        {
            var i = random.Next(lines.Count);
            var (name, text, extra) = MutateLine(lines[i].Text, random);
            applied.Add($"{name} line {i + 2}");
            lines[i] = (text, false);
            if (extra is not null)
            {
                lines.Insert(i + 1, (extra, false));
            }
        }

        var ending = random.Next(8) == 0 ? "mixed" : "lf";
        var body = new StringBuilder(header).Append('\n');
        var ends = new List<int>(); // the UTF-8 length of the file up to the end of each entry's line ending
        foreach (var (text, _) in lines)
        {
            body.Append(text).Append(ending == "mixed" && random.Next(2) == 0 ? "\r\n" : "\n");
            ends.Add(Encoding.UTF8.GetByteCount(body.ToString()));
        }

        var textAll = body.ToString();
        var bytes = new UTF8Encoding(false).GetBytes(textAll);
        switch (random.Next(12))
        {
            case 0:
                bytes = [0xEF, 0xBB, 0xBF, .. bytes];
                applied.Add("BOM");
                break;
            case 1:
                bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(textAll)];
                applied.Add("UTF-16");
                lines = lines.Select(l => (l.Text, false)).ToList();
                break;
            case 2:
                var cut = random.Next(header.Length + 1, bytes.Length);
                bytes = bytes[..cut];
                applied.Add($"truncated at byte {cut}");
                textAll = Encoding.UTF8.GetString(bytes);
                // Entries wholly before the cut stay as they were; the one the cut falls in is damaged; the rest are gone.
                var whole = ends.Count(e => e <= cut);
                lines = lines.Take(whole).Concat(lines.Skip(whole).Take(1).Select(l => (l.Text, false))).ToList();
                break;
        }

        if (ending == "mixed")
        {
            applied.Add("CRLF and LF mixed");
        }

        return new FuzzFile(lines, bytes, textAll, string.Join(", ", applied));
    }

    private static (string Name, string Text, string? Extra) MutateLine(string line, Random random)
    {
        var fields = line.Split(',');
        int F() => random.Next(fields.Length);
        string Set(int f, string v)
        {
            fields[f] = v;
            return string.Join(',', fields);
        }

        return random.Next(14) switch
        {
            0 => ("byte flip", Flip(line, random), null),
            1 => ("truncated line", line[..random.Next(line.Length)], null),
            2 => ("duplicate key", line, line),
            3 => ("extra column", line + ",extra", null),
            4 => ("missing column", string.Join(',', fields.Take(fields.Length - 1)), null),
            5 => ("newline in a quoted field", Set(F(), "\"two\nlines\""), null),
            6 => ("unterminated quote", Set(F(), "\"open"), null),
            7 => ("huge field", Set(F(), new string('x', 70_000 + random.Next(50_000))), null),
            8 => ("out-of-range date", Set(F(), random.Next(3) switch { 0 => "2025-13-45", 1 => "0000-01-01", _ => "99999-01-01" }), null),
            9 => ("out-of-range number", Set(F(), random.Next(2) == 0 ? "1e400" : "123456789012345678901234.5"), null),
            10 => ("thousand separators", Set(F(), "\"1,234.50\""), null),
            11 => ("control characters", Set(F(), "Health\u0001care\u001b[31m"), null),
            12 => ("escaped quotes", Set(F(), "\"say \"\"hi\"\"\""), null),
            _ => ("empty value", Set(F(), ""), null),
        };
    }

    private static string Flip(string line, Random random)
    {
        var chars = line.ToCharArray();
        var at = random.Next(chars.Length);
        var pool = "\",\r\0\u00ff\u20ac;\t\\'=";
        chars[at] = random.Next(2) == 0 ? pool[random.Next(pool.Length)] : (char)random.Next(1, 0x250);
        return new string(chars);
    }

    /// <summary>Every problem with what sync made of this file.</summary>
    public IEnumerable<string> Check(SourceFileReport report)
    {
        var physical = _text.Split('\n').Length - (_text.EndsWith('\n') ? 1 : 0);
        var reported = report.AcceptedLines.Concat(report.Rejected.Select(r => r.Line)).ToList();
        foreach (var line in reported.Where(l => l < 2 || l > physical))
        {
            yield return $"line {line} is outside the file's data lines 2..{physical}";
        }

        foreach (var line in reported.GroupBy(l => l).Where(g => g.Count() > 1))
        {
            yield return $"line {line.Key} is reported {line.Count()} times";
        }

        foreach (var (line, reason) in report.Rejected.Where(r => string.IsNullOrWhiteSpace(r.Reason)))
        {
            yield return $"line {line} is rejected without a reason ({reason})";
        }

        var accepted = report.AcceptedLines.ToHashSet();
        var good = _lines.SelectMany(l => l.Text.Split('\n').Select(_ => l.Good)).ToList(); // by physical line, from line 2
        foreach (var (start, end) in Records())
        {
            var all = Enumerable.Range(start, end - start + 1).All(l => l - 2 < good.Count && good[l - 2]);
            if (all && !accepted.Contains(start))
            {
                yield return $"the good row on line {start} was not accepted ({report.Rejected.FirstOrDefault(r => r.Line == start).Reason ?? "not reported at all"})";
            }
            else if (!reported.Contains(start))
            {
                yield return $"the record on line {start} is neither accepted nor rejected";
            }
        }
    }

    private bool BlankLine(int line) => _text.Split('\n')[line - 1].Trim('\r').Length == 0;

    /// <summary>RFC 4180 records of the file as written (header excluded): first and last physical line of each.</summary>
    private IEnumerable<(int Start, int End)> Records()
    {
        var line = 1;
        var start = 1;
        var quoted = false;
        var atFieldStart = true;
        for (var i = 0; i < _text.Length; i++)
        {
            var ch = _text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < _text.Length && _text[i + 1] == '"')
                {
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else if (ch == '\n')
                {
                    line++;
                }

                continue;
            }

            if (ch == '"' && atFieldStart)
            {
                quoted = true;
            }

            atFieldStart = ch is ',' or '\n';
            if (ch == '\n')
            {
                if (start > 1 && !BlankLine(start))
                {
                    yield return (start, line); // a blank line is no record: readers skip it
                }

                line++;
                start = line;
            }
        }

        if (start > 1 && start <= line && !quoted && _text.Length > 0 && !_text.EndsWith('\n'))
        {
            yield return (start, line);
        }
    }
}
