using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// A database connection that runs nothing and records what it is asked to do, in order (opens, transactions,
/// commands with their text and parameters), the way DbUp's own tests pin their transaction scenarios. Queries
/// return what <c>answer</c> gives for their text (a value per row, or an object[] per row for several columns;
/// nothing by default) and scalars its first value: a database with nothing in it unless told otherwise.
/// </summary>
internal sealed class RecordingConnection : DbConnection
{
    private readonly List<string> _log;
    private readonly Func<string, object[]?> _answer;
    private ConnectionState _state = ConnectionState.Closed;

    private RecordingConnection(List<string> log, Func<string, object[]?> answer)
    {
        _log = log;
        _answer = answer;
    }

    /// <summary>Every operation of every connection made from <c>Connect</c>.</summary>
    public static (Func<RecordingConnection> Connect, List<string> Log) Create(Func<string, object[]?>? answer = null)
    {
        var log = new List<string>();
        return (() => new RecordingConnection(log, answer ?? (_ => null)), log);
    }

    /// <summary>Every command this connection ran: its text and the names of the parameters it was given.</summary>
    public List<(string Sql, List<string> Parameters)> Commands { get; } = [];

    /// <summary>Adds a line to the log (a bulk copy recorded by a fake loader).</summary>
    public void Record(string line) => _log.Add(line);

    [AllowNull]
    public override string ConnectionString { get; set; } = "";

    public override int ConnectionTimeout => 15;

    public override string Database => "recording";

    public override string DataSource => "recording";

    public override string ServerVersion => "16.0";

    public override ConnectionState State => _state;

    public override void ChangeDatabase(string databaseName) => _log.Add("change database " + databaseName);

    public override void Close()
    {
        _log.Add("close");
        _state = ConnectionState.Closed;
    }

    public override void Open()
    {
        _log.Add("open");
        _state = ConnectionState.Open;
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel)
    {
        _log.Add("begin transaction");
        return new Transaction(this, _log);
    }

    protected override DbCommand CreateDbCommand() => new Command(this, _log, _answer);

    private sealed class Transaction(RecordingConnection connection, List<string> log) : DbTransaction
    {
        private bool _done;

        protected override DbConnection DbConnection => connection;

        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

        public override void Commit()
        {
            log.Add("commit");
            _done = true;
        }

        public override void Rollback()
        {
            log.Add("rollback");
            _done = true;
        }

        protected override void Dispose(bool disposing)
        {
            if (!_done)
            {
                log.Add("rollback (disposed)");
                _done = true;
            }

            base.Dispose(disposing);
        }
    }

    private sealed class Command(RecordingConnection connection, List<string> log, Func<string, object[]?> answer) : DbCommand
    {
        [AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; }

        public override CommandType CommandType { get; set; }

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; } = connection;

        protected override DbParameterCollection DbParameterCollection { get; } = new Parameters();

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => new Parameter();

        public override int ExecuteNonQuery()
        {
            Record("execute");
            _ = answer(CommandText); // an answer that throws is a statement that fails
            return 0;
        }

        public override object? ExecuteScalar()
        {
            Record("scalar");
            return answer(CommandText)?.FirstOrDefault() is { } first ? (first is object[] row ? row[0] : first) : null;
        }

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            Record("query");
            var rows = (answer(CommandText) ?? []).Select(v => v as object[] ?? [v]).ToList();
            var table = new DataTable();
            var width = rows.Count == 0 ? 0 : rows[0].Length; // no rows, no columns: every mapper accepts it
            for (var i = 0; i < width; i++)
            {
                table.Columns.Add(i == 0 ? "Value" : $"Value{i}", rows[0][i] is null ? typeof(object) : rows[0][i].GetType());
            }

            foreach (var row in rows)
            {
                table.Rows.Add(row);
            }

            return table.CreateDataReader();
        }

        private void Record(string kind)
        {
            (connection as RecordingConnection)?.Commands.Add((CommandText, ((Parameters)DbParameterCollection).Items.Select(p => p.ParameterName).ToList()));
            var values = ((Parameters)DbParameterCollection).Items.Select(p => $"{p.ParameterName}={p.Value}");
            var inTransaction = DbTransaction is null ? "" : " (in transaction)";
            log.Add($"{kind}{inTransaction}: {CommandText.Trim()}" + (DbParameterCollection.Count > 0 ? " [" + string.Join(", ", values) + "]" : ""));
        }
    }

    private sealed class Parameters : DbParameterCollection
    {
        public List<DbParameter> Items { get; } = [];

        public override int Count => Items.Count;

        public override object SyncRoot => Items;

        public override int Add(object value)
        {
            Items.Add((DbParameter)value);
            return Items.Count - 1;
        }

        public override void AddRange(Array values)
        {
            foreach (var v in values)
            {
                Add(v!);
            }
        }

        public override void Clear() => Items.Clear();

        public override bool Contains(object value) => Items.Contains((DbParameter)value);

        public override bool Contains(string value) => IndexOf(value) >= 0;

        public override void CopyTo(Array array, int index) => ((ICollection)Items).CopyTo(array, index);

        public override IEnumerator GetEnumerator() => Items.GetEnumerator();

        public override int IndexOf(object value) => Items.IndexOf((DbParameter)value);

        public override int IndexOf(string parameterName) => Items.FindIndex(p => p.ParameterName == parameterName);

        public override void Insert(int index, object value) => Items.Insert(index, (DbParameter)value);

        public override void Remove(object value) => Items.Remove((DbParameter)value);

        public override void RemoveAt(int index) => Items.RemoveAt(index);

        public override void RemoveAt(string parameterName) => Items.RemoveAt(IndexOf(parameterName));

        protected override DbParameter GetParameter(int index) => Items[index];

        protected override DbParameter GetParameter(string parameterName) => Items[IndexOf(parameterName)];

        protected override void SetParameter(int index, DbParameter value) => Items[index] = value;

        protected override void SetParameter(string parameterName, DbParameter value) => Items[IndexOf(parameterName)] = value;
    }

    private sealed class Parameter : DbParameter
    {
        public override DbType DbType { get; set; }

        public override ParameterDirection Direction { get; set; }

        public override bool IsNullable { get; set; } = true;

        [AllowNull]
        public override string ParameterName { get; set; } = "";

        [AllowNull]
        public override string SourceColumn { get; set; } = "";

        public override object? Value { get; set; }

        public override bool SourceColumnNullMapping { get; set; }

        public override int Size { get; set; }

        public override void ResetDbType()
        {
        }
    }
}
