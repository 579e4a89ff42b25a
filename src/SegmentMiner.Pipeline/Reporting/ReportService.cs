using System.Text;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Pipeline.Publishing.Facts;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Pipeline.Reporting;

/// <summary>What a report run wrote.</summary>
public sealed record ReportResult(string Path, long Bytes, int Layers, int Personas);

/// <summary>
/// <c>segminer report</c>, and the report every publish writes (Report:Path): the persona report from the current
/// published runs, one self-contained HTML file, written aside and moved into place so a reader never sees half a file.
/// </summary>
public sealed partial class ReportService(SegmentMinerOptions options, IWarehouseBackend backend, ILogger<ReportService> log)
{
    /// <summary>Report:Path resolved against the data folder, or null when it is off.</summary>
    public string? ConfiguredPath => string.IsNullOrWhiteSpace(options.Report.Path) ? null
        : Path.IsPathRooted(options.Report.Path) ? options.Report.Path : Path.Combine(Path.GetFullPath(options.DataDir), options.Report.Path);

    /// <summary>The report's markup for the current runs.</summary>
    public string Render(CancellationToken cancellationToken = default) => Build(cancellationToken).Html;

    public Task<ReportResult> WriteAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new WarehouseException($"--out: '{full}' is a folder; name the HTML file to write");
        }

        var (view, html) = Build(cancellationToken);
        var bytes = new UTF8Encoding(false).GetBytes(html);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, full, overwrite: true);
        var result = new ReportResult(full, bytes.LongLength, view.Layers.Count, view.Personas.Count());
        LogWrote(log, result.Personas, result.Layers, full, bytes.LongLength / 1024.0);
        return Task.FromResult(result);
    }

    private (ReportView View, string Html) Build(CancellationToken cancellationToken)
    {
        var view = new ReportView(ReportReader.Read(backend.Reader, cancellationToken), new ValueFormat(options.Sync.ReportingCurrency));
        if (view.Layers.Count == 0)
        {
            throw new WarehouseException("nothing is published yet: run 'segminer publish' (or 'segminer demo') before 'segminer report'");
        }

        return (view, new ReportRenderer(view).Render());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "report: {Personas} personas in {Layers} layers written to {Path} ({Kilobytes:N0} KB)")]
    private static partial void LogWrote(ILogger logger, int personas, int layers, string path, double kilobytes);
}
