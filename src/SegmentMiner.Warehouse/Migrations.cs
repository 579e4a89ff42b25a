using System.Data.Common;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace SegmentMiner.Warehouse;

/// <summary>A versioned migration script shipped inside the assembly (<c>sql/&lt;dialect&gt;/NNNN_verb_object.sql</c>).</summary>
public sealed record MigrationScript(int Version, string Name, string Sql)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>
/// The migrations shipped for each dialect. On DuckDB, <see cref="ApplyAsync"/> runs them in version order, each in
/// its own transaction with its journal row in <c>ops.SchemaVersion</c>; version 0 creates the journal and runs every
/// time (it is idempotent). On SQL Server DbUp runs them (<c>SqlServer.SqlServerMigrator</c>).
/// </summary>
public static class Migrations
{
    private const string DuckDbJournalInsert =
        "INSERT INTO ops.SchemaVersion (Version, ScriptName, Sha256, AppliedAt) VALUES ($Version, $Name, $Sha, $At)";

    public static IReadOnlyList<MigrationScript> Load(string dialect)
    {
        var asm = typeof(Migrations).Assembly;
        var prefix = $"sql/{dialect}/";
        var list = new List<MigrationScript>();
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = name[prefix.Length..];
            if (file.Length < 5 || !int.TryParse(file.AsSpan(0, 4), out var version))
            {
                throw new WarehouseException($"migration '{name}' does not start with a four-digit version");
            }

            using var stream = asm.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(new MigrationScript(version, file, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (list.Count == 0 || list[0].Version != 0)
        {
            throw new WarehouseException($"no migrations for dialect '{dialect}' are embedded in {asm.GetName().Name}");
        }

        return list;
    }

    public static int LatestVersion(string dialect) => Load(dialect)[^1].Version;

    /// <summary>Versions already applied; empty when the journal does not exist yet.</summary>
    public static async Task<HashSet<int>> AppliedAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        try
        {
            var rows = await connection.QueryAsync<int>(new CommandDefinition("SELECT Version FROM ops.SchemaVersion", cancellationToken: cancellationToken));
            return rows.ToHashSet();
        }
        catch (DbException)
        {
            return [];
        }
    }

    /// <summary>Applies what is pending; returns the scripts applied. <paramref name="split"/> turns a script into batches (T-SQL's GO).</summary>
    public static async Task<IReadOnlyList<MigrationScript>> ApplyAsync(
        DbConnection connection, string dialect, Func<string, IEnumerable<string>> split, Func<DateTime> now, CancellationToken cancellationToken = default)
    {
        var scripts = Load(dialect);
        foreach (var batch in split(scripts[0].Sql))
        {
            await connection.ExecuteAsync(new CommandDefinition(batch, cancellationToken: cancellationToken));
        }

        var applied = await AppliedAsync(connection, cancellationToken);
        var done = new List<MigrationScript>();
        foreach (var script in scripts.Skip(1).Where(s => !applied.Contains(s.Version)))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                foreach (var batch in split(script.Sql))
                {
                    await connection.ExecuteAsync(new CommandDefinition(batch, transaction: tx, cancellationToken: cancellationToken));
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    DuckDbJournalInsert, new { script.Version, script.Name, Sha = script.Sha256, At = now() }, tx, cancellationToken: cancellationToken));
                await tx.CommitAsync(cancellationToken);
            }
            catch (DbException ex)
            {
                await tx.RollbackAsync(cancellationToken);
                throw new WarehouseException($"migration {script.Name} failed: {ex.Message}", ex);
            }

            done.Add(script);
        }

        return done;
    }

    /// <summary>Splits a T-SQL script on lines holding only GO, as SSMS and sqlcmd do.</summary>
    public static IEnumerable<string> SplitOnGo(string sql)
    {
        var current = new StringBuilder();
        foreach (var line in sql.Split('\n'))
        {
            if (line.Trim().Equals("GO", StringComparison.OrdinalIgnoreCase))
            {
                if (current.ToString().Trim().Length > 0)
                {
                    yield return current.ToString();
                }

                current.Clear();
            }
            else
            {
                current.Append(line).Append('\n');
            }
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return current.ToString();
        }
    }
}
