using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using SegmentMiner.Core.Models;

namespace SegmentMiner.Warehouse.Publishing;

/// <summary>The reads both dialects share; each store gives its connection and its SQL text.</summary>
public abstract class SegmentStoreBase : ISegmentStore
{
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Parameters: model.</summary>
    protected abstract string CurrentRunSql { get; }

    /// <summary>Parameters: run.</summary>
    protected abstract string SegmentsSql { get; }

    /// <summary>Parameters: run, and key when <paramref name="oneKey"/>.</summary>
    protected abstract string ProfilesSql(bool oneKey);

    /// <summary>Parameters: model, previous. Columns: key, node, name, description, the run it was last active in.</summary>
    protected abstract string RetiredSql { get; }

    /// <summary>Parameters: model. Columns: run, status, notice, definition hash of the newest run.</summary>
    protected abstract string LatestRunSql { get; }

    /// <summary>The dialect's quoting of an identifier.</summary>
    protected abstract string Quote(string identifier);

    /// <summary>Whether the dialect's string literals are Unicode ones (T-SQL's N'...').</summary>
    protected virtual bool UnicodeLiterals => false;

    private string Where(ColumnValue? where) => where?.Where(Quote, UnicodeLiterals) ?? "";

    private string CountSql(string schema, string view, ColumnValue? where) => $"SELECT count(*) FROM {Quote(schema)}.{Quote(view)}{Where(where)}";

    protected abstract string CustomersSql { get; }

    protected abstract string NextKeySql { get; }

    public async Task<long> CountAsync(string schema, string view, ColumnValue? where, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await db.ExecuteScalarAsync<long>(new CommandDefinition(CountSql(schema, view, where), cancellationToken: cancellationToken));
    }

    public async Task<long> CustomersAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await db.ExecuteScalarAsync<long>(new CommandDefinition(CustomersSql, cancellationToken: cancellationToken));
    }

    public async Task<CurrentRun?> CurrentRunAsync(string model, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return (await db.QueryAsync<(long, DateTime?, string)>(new CommandDefinition(CurrentRunSql, new { model }, cancellationToken: cancellationToken)))
            .Select(r => new CurrentRun(r.Item1, r.Item2, r.Item3)).FirstOrDefault();
    }

    public async Task<LatestRun?> LatestRunAsync(string model, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return (await db.QueryAsync<(long, string, string?, string)>(new CommandDefinition(LatestRunSql, new { model }, cancellationToken: cancellationToken)))
            .Select(r => new LatestRun(r.Item1, r.Item2, r.Item3, r.Item4)).FirstOrDefault();
    }

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(string schema, string view, IReadOnlyList<string> columns, [EnumeratorCancellation] CancellationToken cancellationToken, ColumnValue? where = null)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var command = db.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(Quote))} FROM {Quote(schema)}.{Quote(view)}{Where(where)}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            yield return row;
        }
    }

    public async Task<IReadOnlyList<StoredSegment>> SegmentsAsync(long run, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return (await db.QueryAsync<(long, string?, string, string, bool)>(new CommandDefinition(SegmentsSql, new { run }, cancellationToken: cancellationToken)))
            .Select(r => new StoredSegment(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5)).ToList();
    }

    public async Task<IReadOnlyList<ProfileRecord>> ProfilesAsync(long run, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await ProfilesAsync(db, run, null, cancellationToken);
    }

    public async Task<IReadOnlyList<(StoredSegment Segment, IReadOnlyList<ProfileRecord> Profile)>> RetiredAsync(string model, long previousRun, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        var segments = (await db.QueryAsync<(long, string?, string, string, long)>(new CommandDefinition(RetiredSql, new { model, previous = previousRun }, cancellationToken: cancellationToken))).ToList();
        var result = new List<(StoredSegment, IReadOnlyList<ProfileRecord>)>();
        foreach (var (key, node, name, description, run) in segments)
        {
            result.Add((new StoredSegment(key, node, name, description, true), await ProfilesAsync(db, run, key, cancellationToken)));
        }

        return result;
    }

    /// <summary>Parameters: model, run. Counts the model's kept published run with that id.</summary>
    protected abstract string KeptRunSql { get; }

    /// <summary>Parameters: model, run. Makes that run the model's current one (under the dialect's publish lock).</summary>
    protected abstract string MakeCurrentSql { get; }

    public async Task<bool> RestoreRunAsync(string model, long run, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        if (await db.ExecuteScalarAsync<long>(new CommandDefinition(KeptRunSql, new { model, run }, tx, cancellationToken: cancellationToken)) == 0)
        {
            return false;
        }

        await db.ExecuteAsync(new CommandDefinition(MakeCurrentSql, new { model, run }, tx, commandTimeout: 660, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<long> NextSegmentKeyAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return (await db.ExecuteScalarAsync<long?>(new CommandDefinition(NextKeySql, cancellationToken: cancellationToken)) ?? 0) + 1;
    }

    private async Task<IReadOnlyList<ProfileRecord>> ProfilesAsync(DbConnection db, long run, long? key, CancellationToken cancellationToken) =>
        (await db.QueryAsync<(long, string, string, double, double, double?, double?)>(new CommandDefinition(ProfilesSql(key is not null), new { run, key }, cancellationToken: cancellationToken)))
            .Select(r => new ProfileRecord(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, r.Item6, r.Item7)).ToList();

    public abstract Task<long> WriteSkippedAsync(RunHeader header, CancellationToken cancellationToken);

    public abstract Task<long> WriteRunAsync(RunData run, int keepRuns, Action<long>? afterMembershipRows, CancellationToken cancellationToken);

    public abstract Task ReplaceTablesAsync(IReadOnlyList<(string Table, string[] Columns, IReadOnlyList<object?[]> Rows)> tables, CancellationToken cancellationToken);

    public abstract Task RebuildPersonaMapAsync(string market, string buyer, string survey, CancellationToken cancellationToken);
}
