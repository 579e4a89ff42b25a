using System.Globalization;

namespace SegmentMiner.Embedded.Dmx;

/// <summary>
/// Evaluates DMX expressions over a row: literals, names (through <paramref name="name"/>), functions (through
/// <paramref name="call"/>), AND / OR / NOT, comparisons and arithmetic. Comparisons follow the value types: numbers
/// numerically (a string that reads as a number compares as one), text case-insensitively, NULL equal to nothing.
/// </summary>
public sealed class DmxEvaluator(Func<DmxName, object?> name, Func<DmxCall, object?> call)
{
    private static readonly DmxEvaluator Constants = new(_ => null, _ => null);

    /// <summary>The value of an expression that reads no row (a literal, arithmetic on literals): names and calls are NULL.</summary>
    public static object? Constant(DmxExpression e) => Constants.Evaluate(e);

    public object? Evaluate(DmxExpression e) => e switch
    {
        DmxLiteral l => l.Value,
        DmxName n => name(n),
        DmxCall c when IsScalar(c) => Scalar(c),
        DmxCall c => call(c),
        DmxUnary u => Unary(u),
        DmxBinary b => Binary(b),
        _ => throw DmxSyntaxException.Unsupported(e.At, "This expression"),
    };

    /// <summary>The VBA string and number functions DMX takes in any expression (the Content Queries page uses LEN and RIGHT).</summary>
    public static bool IsScalar(DmxCall c) => c.Function.ToUpperInvariant() is "LEN" or "LEFT" or "RIGHT" or "MID" or "UCASE" or "LCASE" or "TRIM" or "ABS" or "ROUND";

    private object? Scalar(DmxCall c)
    {
        var args = c.Arguments.Select(Evaluate).ToList();
        int Count(int i) => AsNumber(args.ElementAtOrDefault(i)) is { } d && d >= 0 ? (int)d : throw new DmxSyntaxException($"{c.Function} takes a count of characters as its argument {i + 1}.", c.At.Line, c.At.Column);
        var text = args.Count > 0 && args[0] is not null ? Text(args[0]!) : null;
        if (args.Count == 0 || (text is null && c.Function.ToUpperInvariant() is not ("ABS" or "ROUND")))
        {
            return null;
        }

        return c.Function.ToUpperInvariant() switch
        {
            "LEN" => (long)text!.Length,
            "LEFT" => text![..Math.Min(Count(1), text!.Length)],
            "RIGHT" => text![^Math.Min(Count(1), text!.Length)..],
            "MID" => text!.Length < Count(1) ? "" : text.Substring(Math.Max(Count(1) - 1, 0), args.Count > 2 ? Math.Min(Count(2), text.Length - Math.Max(Count(1) - 1, 0)) : text.Length - Math.Max(Count(1) - 1, 0)),
            "UCASE" => text!.ToUpperInvariant(),
            "LCASE" => text!.ToLowerInvariant(),
            "TRIM" => text!.Trim(),
            "ABS" => AsNumber(args[0]) is { } a ? Math.Abs(a) : null,
            _ => AsNumber(args[0]) is { } r ? Math.Round(r, args.Count > 1 ? Count(1) : 0, MidpointRounding.AwayFromZero) : null,
        };
    }

    /// <summary>Whether a value counts as true in WHERE: true, a non-zero number; NULL and anything else false.</summary>
    public static bool Truth(object? v) => v switch
    {
        bool b => b,
        null => false,
        string => false,
        _ when AsNumber(v) is { } d => d != 0,
        _ => false,
    };

    /// <summary>Orders two values: NULL first, numbers numerically, then text (case-insensitive).</summary>
    public static int Compare(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        if (AsNumber(a) is { } x && AsNumber(b) is { } y)
        {
            return x.CompareTo(y);
        }

        return string.Compare(Text(a), Text(b), StringComparison.OrdinalIgnoreCase);
    }

    private object? Unary(DmxUnary u)
    {
        var v = Evaluate(u.Operand);
        return u.Operator switch
        {
            "NOT" => !Truth(v),
            "IS NULL" => v is null,
            "IS NOT NULL" => v is not null,
            "-" => AsNumber(v) is { } d ? -d : null,
            _ => throw DmxSyntaxException.Unsupported(u.At, u.Operator),
        };
    }

    private object? Binary(DmxBinary b)
    {
        if (b.Operator == "AND")
        {
            return Truth(Evaluate(b.Left)) && Truth(Evaluate(b.Right));
        }

        if (b.Operator == "OR")
        {
            return Truth(Evaluate(b.Left)) || Truth(Evaluate(b.Right));
        }

        var (l, r) = (Evaluate(b.Left), Evaluate(b.Right));
        if (b.Operator is "+" or "-" or "*" or "/")
        {
            if (AsNumber(l) is not { } x || AsNumber(r) is not { } y)
            {
                return b.Operator == "+" && l is string && r is string ? (string)l + (string)r : null;
            }

            return b.Operator switch { "+" => x + y, "-" => x - y, "*" => x * y, _ => y == 0 ? null : x / y };
        }

        if (l is null || r is null)
        {
            return false; // a comparison with NULL is never true
        }

        var c = Compare(l, r);
        return b.Operator switch
        {
            "=" => c == 0,
            "<>" => c != 0,
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            ">=" => c >= 0,
            _ => throw DmxSyntaxException.Unsupported(b.At, $"The operator {b.Operator}"),
        };
    }

    /// <summary>A value as a number: numeric types, and text that reads as an invariant number.</summary>
    public static double? AsNumber(object? v) => v switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        decimal m => (double)m,
        uint u => u,
        ulong u => u,
        bool b => b ? 1 : 0, // TRUE = 1, as a Boolean column compares with 1 and 0 in the documentation's examples
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string Text(object v) => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "";
}
