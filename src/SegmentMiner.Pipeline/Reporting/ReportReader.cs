using System.Globalization;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Reading;
using SegmentMiner.Warehouse.Reporting;

namespace SegmentMiner.Pipeline.Reporting;

/// <summary>Reads what the report shows from the warehouse, in one pass per view, on either dialect.</summary>
internal static class ReportReader
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ReportData Read(IWarehouseReader warehouse, CancellationToken cancellationToken)
    {
        if (!warehouse.Exists)
        {
            throw new WarehouseException("there is no warehouse yet: run 'segminer demo', or 'segminer sync', 'process' and 'publish', before 'segminer report'");
        }

        List<object?[]> Q(string sql)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Rows(warehouse, sql);
        }

        return new ReportData(
            Q(ReportSql.Runs).Select(r => new ReportRun(L(r[0]), S(r[1]), S(r[2]), T(r[3]), T(r[4]) ?? DateTime.MinValue, L(r[5]), (int)L(r[6]), S(r[7]), T(r[8]), S(r[9]), B(r[10]), N(r[11]), N(r[12]))).ToList(),
            Q(ReportSql.Segments).Select(r => new ReportSegment(S(r[0]), L(r[1]), S(r[2]), S(r[3]), L(r[4]), D(r[5]), S(r[6]), B(r[7]), L(r[8]), N(r[9]), N(r[10]))).ToList(),
            Q(ReportSql.Characteristics).Select(r => new ReportCharacteristic(L(r[0]), S(r[1]), S(r[2]), D(r[3]), D(r[4]), (int)L(r[5]), Nd(r[6]), Nd(r[7]))).ToList(),
            Q(ReportSql.Distributions).Select(r => new ReportDistribution(L(r[0]), S(r[1]), D(r[2]), D(r[3]), Nd(r[4]), Nd(r[5]), Nd(r[6]), Nd(r[7]), Nd(r[8]))).ToList(),
            Q(ReportSql.Traits).Select(r => new ReportTrait(L(r[0]), S(r[1]), S(r[2]), S(r[3]), D(r[4]), D(r[5]), S(r[6]), D(r[7]), B(r[8]), (int)L(r[9]))).ToList(),
            Q(ReportSql.Revenue).ToDictionary(r => L(r[0]), r => (L(r[1]), r[2] is null ? 0 : D(r[2]))),
            Q(ReportSql.ProductRevenue).ToDictionary(r => S(r[0]), r => (L(r[1]), r[2] is null ? 0 : D(r[2])), StringComparer.Ordinal),
            Q(ReportSql.Mix).Select(r => (L(r[0]), L(r[1]), L(r[2]))).ToList(),
            Q(ReportSql.PersonaMap).Select(r => new ReportMapCell(Nl(r[0]), Nl(r[1]), Nl(r[2]), L(r[3]), D(r[4]), B(r[5]))).ToList(),
            Q(ReportSql.Migration).Select(r => new ReportMigration(S(r[0]), Nl(r[1]), Nl(r[2]), L(r[3]), Nl(r[4]), L(r[5]), N(r[6]))).ToList(),
            Q(ReportSql.GoldenPersonas).Select(r => new ReportGolden(L(r[0]), S(r[1]), S(r[2]), S(r[3]), (int)L(r[4]), L(r[5]), L(r[6]), D(r[7]))).ToList(),
            Q(ReportSql.GoldenMembers).Select(r => (L(r[0]), S(r[1]), L(r[2]))).ToList(),
            Q(ReportSql.Portfolio).Select(r => new ReportPortfolioCell(Nl(r[0]), Nl(r[1]), S(r[2]), S(r[3]), L(r[4]), L(r[5]), L(r[6]), D(r[7]), D(r[8]), D(r[9]), B(r[10]), B(r[11]))).ToList());
    }

    private static List<object?[]> Rows(IWarehouseReader warehouse, string sql)
    {
        using var reader = warehouse.ExecuteReader(sql);
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string S(object? v) => Convert.ToString(v, Inv) ?? "";

    private static string? N(object? v) => v is null ? null : S(v);

    private static long L(object? v) => Convert.ToInt64(v, Inv);

    private static long? Nl(object? v) => v is null ? null : L(v);

    private static double D(object? v) => Convert.ToDouble(v, Inv);

    private static double? Nd(object? v) => v is null ? null : D(v);

    private static bool B(object? v) => v is not null && Convert.ToBoolean(v, Inv);

    private static DateTime? T(object? v) => v switch
    {
        null => null,
        DateTime t => t,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        DateTimeOffset o => o.UtcDateTime,
        _ => Convert.ToDateTime(v, Inv),
    };
}
