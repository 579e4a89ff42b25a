using System.Data;
using System.Diagnostics.CodeAnalysis;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// A database connection that runs nothing and records what it is asked to do, in order (opens, transactions,
/// commands with their text and parameters), the way DbUp's own tests pin their transaction scenarios. Queries
/// return no rows and scalars return null: a database with nothing in it.
/// </summary>
internal sealed class RecordingConnection : IDbConnection
{
    private readonly List<string> _log;
    private readonly Func<string, object[]?> _answer;

    private RecordingConnection(List<string> log, Func<string, object[]?> answer)
    {
        _log = log;
        _answer = answer;
    }

    /// <summary>
    /// Every operation of every connection made from <c>Connect</c>. <paramref name="answer"/> gives the values a
    /// query or scalar returns (one column; null for none).
    /// </summary>
    public static (Func<IDbConnection> Connect, List<string> Log) Create(Func<string, object[]?>? answer = null)
    {
        var log = new List<string>();
        return (() => new RecordingConnection(log, answer ?? (_ => null)), log);
    }

    [AllowNull]
    public string ConnectionString { get; set; } = "";

    public int ConnectionTimeout => 15;

    public string Database => "recording";

    public ConnectionState State { get; private set; } = ConnectionState.Closed;

    public IDbTransaction BeginTransaction() => BeginTransaction(IsolationLevel.Unspecified);

    public IDbTransaction BeginTransaction(IsolationLevel il)
    {
        _log.Add("begin transaction");
        return new Transaction(this, _log);
    }

    public void ChangeDatabase(string databaseName) => _log.Add("change database " + databaseName);

    public void Close()
    {
        _log.Add("close");
        State = ConnectionState.Closed;
    }

    public IDbCommand CreateCommand() => new Command(this, _log, _answer);

    public void Open()
    {
        _log.Add("open");
        State = ConnectionState.Open;
    }

    public void Dispose() => State = ConnectionState.Closed;

    private sealed class Transaction(IDbConnection connection, List<string> log) : IDbTransaction
    {
        private bool _done;

        public IDbConnection Connection => connection;

        public IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

        public void Commit()
        {
            log.Add("commit");
            _done = true;
        }

        public void Rollback()
        {
            log.Add("rollback");
            _done = true;
        }

        public void Dispose()
        {
            if (!_done)
            {
                log.Add("rollback (disposed)");
            }
        }
    }

    private sealed class Command(IDbConnection connection, List<string> log, Func<string, object[]?> answer) : IDbCommand
    {
        [AllowNull]
        public string CommandText { get; set; } = "";

        public int CommandTimeout { get; set; }

        public CommandType CommandType { get; set; }

        public IDbConnection? Connection { get; set; } = connection;

        public IDataParameterCollection Parameters { get; } = new Parameters();

        public IDbTransaction? Transaction { get; set; }

        public UpdateRowSource UpdatedRowSource { get; set; }

        public void Cancel()
        {
        }

        public IDbDataParameter CreateParameter() => new Parameter();

        public void Dispose()
        {
        }

        public int ExecuteNonQuery()
        {
            Record("execute");
            return 0;
        }

        public IDataReader ExecuteReader() => ExecuteReader(CommandBehavior.Default);

        public IDataReader ExecuteReader(CommandBehavior behavior)
        {
            Record("query");
            var table = new DataTable();
            table.Columns.Add("Value", typeof(object));
            foreach (var value in answer(CommandText) ?? [])
            {
                table.Rows.Add(value);
            }

            return table.CreateDataReader();
        }

        public object? ExecuteScalar()
        {
            Record("scalar");
            return answer(CommandText)?.FirstOrDefault();
        }

        public void Prepare()
        {
        }

        private void Record(string kind)
        {
            var values = ((Parameters)Parameters).Cast<IDbDataParameter>().Select(p => $"{p.ParameterName}={p.Value}");
            var inTransaction = Transaction is null ? "" : " (in transaction)";
            log.Add($"{kind}{inTransaction}: {CommandText.Trim()}" + (Parameters.Count > 0 ? " [" + string.Join(", ", values) + "]" : ""));
        }
    }

    private sealed class Parameters : List<object>, IDataParameterCollection
    {
        public object this[string parameterName]
        {
            get => this.Cast<IDbDataParameter>().First(p => p.ParameterName == parameterName);
            set => throw new NotSupportedException();
        }

        public bool Contains(string parameterName) => this.Cast<IDbDataParameter>().Any(p => p.ParameterName == parameterName);

        public int IndexOf(string parameterName) => FindIndex(p => ((IDbDataParameter)p).ParameterName == parameterName);

        public void RemoveAt(string parameterName) => RemoveAt(IndexOf(parameterName));
    }

    private sealed class Parameter : IDbDataParameter
    {
        public DbType DbType { get; set; }

        public ParameterDirection Direction { get; set; }

        public bool IsNullable => true;

        [AllowNull]
        public string ParameterName { get; set; } = "";

        [AllowNull]
        public string SourceColumn { get; set; } = "";

        public DataRowVersion SourceVersion { get; set; }

        public object? Value { get; set; }

        public byte Precision { get; set; }

        public byte Scale { get; set; }

        public int Size { get; set; }
    }
}
