namespace SegmentMiner.Embedded.Dmx;

/// <summary>An item of a select list and its alias.</summary>
public sealed record DmxSelectItem(DmxExpression Expression, string? Alias);

/// <summary>An ORDER BY term.</summary>
public sealed record DmxOrder(DmxExpression Expression, bool Descending);

/// <summary>
/// A DMX SELECT: [FLATTENED] [DISTINCT] [TOP n] items [FROM source] [WHERE] [ORDER BY]. A SELECT without FROM is a
/// singleton input of a prediction join.
/// </summary>
public sealed record DmxSelect(
    bool Flattened, bool Distinct, DmxExpression? Top, IReadOnlyList<DmxSelectItem> Items, DmxSource? From, DmxExpression? Where,
    IReadOnlyList<DmxOrder> OrderBy, DmxToken At);

/// <summary>What a SELECT reads.</summary>
public abstract record DmxSource(DmxToken At);

/// <summary>A dotted name: [model].CONTENT, [model].CASES, [structure].CASES, $system.DMSCHEMA_MINING_MODELS, [model], NODE_DISTRIBUTION.</summary>
public sealed record DmxTableSource(IReadOnlyList<string> Parts, DmxToken At) : DmxSource(At)
{
    /// <summary>The last part when it is this keyword (CONTENT, CASES, PMML), else null.</summary>
    public string? Suffix(params string[] keywords) =>
        Parts.Count > 1 && keywords.Any(k => string.Equals(Parts[^1], k, StringComparison.OrdinalIgnoreCase)) ? Parts[^1].ToUpperInvariant() : null;
}

/// <summary>[model] [NATURAL] PREDICTION JOIN input [AS alias] [ON bindings].</summary>
public sealed record DmxPredictionJoin(IReadOnlyList<string> Model, bool Natural, DmxInput Input, string? Alias, DmxExpression? On, DmxToken At) : DmxSource(At);

/// <summary>The cases a prediction join reads.</summary>
public abstract record DmxInput(DmxToken At);

/// <summary>(SELECT 35 AS [Age], 'F' AS [Gender] UNION SELECT ...): one case per SELECT.</summary>
public sealed record DmxSingletonInput(IReadOnlyList<DmxSelect> Cases, DmxToken At) : DmxInput(At);

/// <summary>OPENQUERY([data source], 'query').</summary>
public sealed record DmxOpenQueryInput(string DataSource, string Query, DmxToken At) : DmxInput(At);

/// <summary>
/// SHAPE { OPENQUERY(...) } APPEND ({ OPENQUERY(...) } RELATE caseColumn TO nestedColumn) AS [table], ...: the cases
/// of the first query, each with the rows of every appended query whose nested column equals its case column.
/// </summary>
public sealed record DmxShapeInput(DmxOpenQueryInput Cases, IReadOnlyList<DmxAppend> Appended, DmxToken At) : DmxInput(At);

/// <summary>One appended rowset of SHAPE: its query, the columns it relates on, and the nested table's name.</summary>
public sealed record DmxAppend(DmxOpenQueryInput Query, string CaseColumn, string NestedColumn, string Name);
