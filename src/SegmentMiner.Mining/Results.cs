namespace SegmentMiner.Mining;

/// <summary>Cases to train on or score: column names, and rows in that order (read twice for training).</summary>
public interface ICaseSource
{
    IReadOnlyList<string> Columns { get; }

    IEnumerable<object?[]> Read();
}

/// <summary>An in-memory or generated case source.</summary>
public sealed class CaseSource(IReadOnlyList<string> columns, Func<IEnumerable<object?[]>> read) : ICaseSource
{
    public IReadOnlyList<string> Columns { get; } = columns;

    public IEnumerable<object?[]> Read() => read();

    public static CaseSource From(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows) => new(columns, () => rows);
}
