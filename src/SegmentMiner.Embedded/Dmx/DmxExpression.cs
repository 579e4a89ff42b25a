namespace SegmentMiner.Embedded.Dmx;

/// <summary>A DMX expression, with the token it starts at (for messages).</summary>
public abstract record DmxExpression(DmxToken At);

/// <summary>A number (double), a string, TRUE, FALSE or NULL.</summary>
public sealed record DmxLiteral(object? Value, DmxToken At) : DmxExpression(At);

/// <summary>A name, possibly qualified: [model].[column], t.[Age], NODE_TYPE, NORMALIZED.</summary>
public sealed record DmxName(IReadOnlyList<string> Parts, DmxToken At) : DmxExpression(At)
{
    public string Last => Parts[^1];

    public override string ToString() => string.Join(".", Parts.Select(p => "[" + p + "]"));
}

/// <summary>A function call: Cluster(), ClusterProbability('Cluster 2'), PredictHistogram(Cluster()), IsDescendant('', '001').</summary>
public sealed record DmxCall(string Function, IReadOnlyList<DmxExpression> Arguments, DmxToken At) : DmxExpression(At);

/// <summary>A binary operation: comparisons, AND, OR, arithmetic.</summary>
public sealed record DmxBinary(string Operator, DmxExpression Left, DmxExpression Right, DmxToken At) : DmxExpression(At);

/// <summary>NOT or unary minus; IS NULL and IS NOT NULL as operators "IS NULL" / "IS NOT NULL".</summary>
public sealed record DmxUnary(string Operator, DmxExpression Operand, DmxToken At) : DmxExpression(At);

/// <summary>
/// A sub-select in a select list: over a nested table column, (SELECT ... FROM NODE_DISTRIBUTION WHERE ...), or in a
/// singleton query, the rows of a nested table, (SELECT 'Basic' AS [Product] UNION SELECT 'Pro' AS [Product]).
/// </summary>
public sealed record DmxSubSelect(DmxSelect Select, DmxToken At) : DmxExpression(At)
{
    /// <summary>The selects joined to <see cref="Select"/> by UNION.</summary>
    public IReadOnlyList<DmxSelect> Union { get; init; } = [];
}

/// <summary>* in a select list (or t.* / NODE_DISTRIBUTION.*: the qualifier).</summary>
public sealed record DmxStar(string? Qualifier, DmxToken At) : DmxExpression(At);
