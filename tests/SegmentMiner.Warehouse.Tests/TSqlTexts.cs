using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SegmentMiner.Warehouse.Publishing;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// Every T-SQL text the product can send to SQL Server: the migrations, the DBA's upgrade script, the scheduler's
/// and the permissions scripts, and every SQL text held by the SQL Server classes and the SQL both dialects share
/// (constants, properties and the methods that build one from a flag or a table name), found by reflection so that
/// a new statement is covered without being listed.
/// </summary>
internal static partial class TSqlTexts
{
    /// <summary>Types whose SQL is T-SQL: the SQL Server classes, and the texts both dialects share.</summary>
    private static readonly string[] SharedTypes = ["RetentionSql", "JobRunStore", "StatusReader", "ReportSql"];

    public static IEnumerable<(string Name, string Sql)> All() =>
        Scripts().Concat(Product());

    /// <summary>The migrations (each whole), the upgrade script, and the scripts a DBA runs.</summary>
    public static IEnumerable<(string Name, string Sql)> Scripts()
    {
        foreach (var m in Migrations.Load("sqlserver"))
        {
            yield return ($"migration {m.Name}", m.Sql);
        }

        yield return ("db migrate --script", Warehouse.SqlServer.SqlServerMigrator.UpgradeScript());
        foreach (var name in typeof(Migrations).Assembly.GetManifestResourceNames().Concat(Assembly.GetExecutingAssembly().GetManifestResourceNames()).Distinct()
                     .Where(n => n.StartsWith("sql/sqlserver/", StringComparison.Ordinal) && n.Contains('/', StringComparison.Ordinal) && n.Count(c => c == '/') > 2))
        {
            yield return (name, Resource(name));
        }
    }

    /// <summary>The SQL texts in the product's code, by reflection over the warehouse assembly.</summary>
    public static IEnumerable<(string Name, string Sql)> Product()
    {
        var types = typeof(Migrations).Assembly.GetTypes()
            .Where(t => t.Name.StartsWith("SqlServer", StringComparison.Ordinal) || SharedTypes.Contains(t.Name))
            .Where(t => !t.Name.Contains("ReadOnlyQuery", StringComparison.Ordinal) && !t.Name.StartsWith('<'));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            foreach (var (member, sql) in Texts(type))
            {
                if (sql is not null && LooksLikeSql(sql) && seen.Add(sql))
                {
                    yield return ($"{type.Name}.{member}", sql);
                }
            }
        }
    }

    private static IEnumerable<(string Member, string Sql)> Texts(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var instance = type.IsAbstract || type.IsInterface ? null : RuntimeHelpers.GetUninitializedObject(type);
        foreach (var f in type.GetFields(all).Where(f => f.FieldType == typeof(string) && (f.IsStatic || instance is not null)))
        {
            if (f.GetValue(f.IsStatic ? null : instance) is string s)
            {
                yield return (f.Name, s);
            }
        }

        foreach (var p in type.GetProperties(all).Where(p => p.PropertyType == typeof(string) && p.GetIndexParameters().Length == 0))
        {
            var getter = p.GetMethod;
            if (getter is null || (!getter.IsStatic && instance is null) || p.Name is "Describe" or "Server" or "Database")
            {
                continue;
            }

            yield return (p.Name, (string)getter.Invoke(getter.IsStatic ? null : instance, null)!);
        }

        foreach (var m in type.GetMethods(all).Where(m => m.ReturnType == typeof(string) && !m.IsSpecialName && (m.IsStatic || instance is not null)))
        {
            foreach (var args in Arguments(m))
            {
                var name = string.Join(", ", args.Select(a => a is Core.EntitySpec e ? e.Name : a is Sync.DwSql.CurrentTable t ? t.Target : a.ToString()));
                yield return ($"{m.Name}({name})", (string)m.Invoke(m.IsStatic ? null : instance, args)!);
            }
        }
    }

    /// <summary>
    /// Every combination a method that builds SQL is called with: none for a static method without parameters,
    /// flags every way, a table name each of the run tables, each entity of the source contract, each current table.
    /// </summary>
    private static IEnumerable<object[]> Arguments(MethodInfo method)
    {
        var parameters = method.GetParameters();
        if (parameters.Length == 0)
        {
            return method.IsStatic ? [[]] : [];
        }

        if (parameters.All(p => p.ParameterType == typeof(bool)))
        {
            return Enumerable.Range(0, 1 << parameters.Length)
                .Select(bits => parameters.Select((_, i) => (object)((bits & (1 << i)) != 0)).ToArray());
        }

        if (parameters.Length == 1 && parameters[0].ParameterType == typeof(string) && parameters[0].Name is "table")
        {
            return SegmentTables.WithRuns.Select(t => new object[] { t });
        }

        if (parameters.Length == 1 && parameters[0].ParameterType == typeof(string) && parameters[0].Name is "portfolioTable")
        {
            return SegmentTables.Portfolio.Select(t => new object[] { t });
        }

        if (parameters.Length == 1 && parameters[0].ParameterType == typeof(Core.EntitySpec))
        {
            return Core.SourceEntities.InLoadOrder.Select(e => new object[] { e });
        }

        if (parameters.Length == 1 && parameters[0].ParameterType == typeof(Sync.DwSql.CurrentTable))
        {
            return Sync.DwSql.CurrentTables.Select(t => new object[] { t });
        }

        return [];
    }

    private static bool LooksLikeSql(string s) => SqlStart().IsMatch(s);

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|EXEC|WITH|IF|DECLARE|SET|BEGIN|TRUNCATE|GRANT)\b")]
    private static partial Regex SqlStart();

    public static string Resource(string name)
    {
        foreach (var asm in new[] { typeof(Migrations).Assembly, Assembly.GetExecutingAssembly() })
        {
            using var s = asm.GetManifestResourceStream(name);
            if (s is not null)
            {
                return new StreamReader(s).ReadToEnd();
            }
        }

        throw new FileNotFoundException(name);
    }
}
