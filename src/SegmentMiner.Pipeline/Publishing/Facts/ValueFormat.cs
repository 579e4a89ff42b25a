using System.Globalization;

namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// Numbers as people read them, in their units and rounded: "$1,250", "12 invoices", "1 month", "35%". Never "-0" or
/// "-$0": a value that rounds to zero is zero. Money takes the reporting currency's symbol, or its ISO code where it
/// has none ("1,250 CHF").
/// </summary>
public sealed class ValueFormat(string currency)
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = "$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "¥", ["INR"] = "₹", ["CNY"] = "¥", ["KRW"] = "₩",
    };

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Currency => currency;

    /// <summary>A value with its unit; <paramref name="average"/> keeps a decimal on counts ("2.4 products").</summary>
    public string Format(double value, Unit unit, bool average = false) => unit.Kind switch
    {
        UnitKind.Money => Money(value),
        UnitKind.Percent => Plain(100 * value, 0) + "%",
        UnitKind.Count => Counted(value, average ? 1 : 0, unit.One, unit.Many),
        UnitKind.Days => Counted(value, 0, "day", "days"),
        UnitKind.Months => Counted(value, 0, "month", "months"),
        UnitKind.Score => Plain(value, 1),
        _ => Plain(value, Math.Abs(value) >= 100 ? 0 : 2),
    };

    /// <summary>A number alone, as <see cref="Format"/> would show it, without the unit's words.</summary>
    public string Bare(double value, Unit unit) => unit.Kind switch
    {
        UnitKind.Money => Money(value),
        UnitKind.Percent => Plain(100 * value, 0) + "%",
        UnitKind.Count or UnitKind.Days or UnitKind.Months => Plain(value, 0),
        UnitKind.Score => Plain(value, 1),
        _ => Plain(value, Math.Abs(value) >= 100 ? 0 : 2),
    };

    /// <summary>The unit's words after a number or a range ("invoices", "days"), or empty.</summary>
    public static string Words(Unit unit, double value) => unit.Kind switch
    {
        UnitKind.Count when unit.Many.Length > 0 => " " + (IsOne(value) ? unit.One : unit.Many),
        UnitKind.Days => IsOne(value) ? " day" : " days",
        UnitKind.Months => IsOne(value) ? " month" : " months",
        _ => "",
    };

    private static bool IsOne(double value) => Math.Abs(value - 1) < 1e-9;

    private string Money(double value)
    {
        var digits = Math.Abs(value) >= 10 ? 0 : 2;
        var text = Plain(Math.Abs(value), digits);
        var sign = Negative(value, digits) ? "-" : "";
        return Symbols.TryGetValue(currency, out var symbol) ? sign + symbol + text : sign + text + " " + currency.ToUpperInvariant();
    }

    private static string Counted(double value, int digits, string one, string many)
    {
        var text = Plain(value, digits);
        if (one.Length == 0)
        {
            return text;
        }

        return text + " " + (text == "1" ? one : many);
    }

    /// <summary>Rounded to <paramref name="digits"/> decimals (trailing zeros dropped), thousands separated, never "-0".</summary>
    public static string Plain(double value, int digits)
    {
        var rounded = Math.Round(value, digits, MidpointRounding.AwayFromZero);
        if (rounded == 0)
        {
            rounded = 0; // drops the sign of -0
        }

        var format = digits == 0 ? "#,##0" : "#,##0." + new string('#', digits);
        return rounded.ToString(format, Inv);
    }

    private static bool Negative(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero) < 0;
}
