using System.Collections;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace SegmentMiner.Core.Configuration;

/// <summary>
/// Checks what the binder would silently accept: a key in one of SegmentMiner's sections that names no setting
/// (<c>Warehouse:Providr</c>), a value that is not one of a setting's names (<c>Warehouse:Provider = Oracle</c>), and a
/// settings file that is not valid JSON (named with its line). Keys outside SegmentMiner's sections (<c>Logging</c>,
/// say) are left to whoever reads them.
/// </summary>
public static class ConfigurationKeys
{
    /// <summary>Every unknown key and every value that is not one of its setting's names, each with its full path.</summary>
    public static List<string> Check(IConfiguration configuration)
    {
        var errors = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            var error = CheckKey(key.Split(':'), value!);
            if (error is not null && !errors.Contains(error))
            {
                errors.Add(error);
            }
        }

        return errors;
    }

    private static string? CheckKey(string[] segments, string value)
    {
        var type = typeof(SegmentMinerOptions);
        if (Property(type, segments[0]) is null)
        {
            return null; // not one of SegmentMiner's sections
        }

        for (var i = 0; i < segments.Length; i++)
        {
            if (DictionaryValue(type) is { } entry)
            {
                type = entry; // a name of the user's choosing: a source, an entity
                continue;
            }

            var property = Property(type, segments[i]);
            if (property is null)
            {
                var known = string.Join(", ", type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name));
                return $"{string.Join(':', segments[..(i + 1)])}: there is no such setting (known here: {known}).";
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return type.IsEnum && !Enum.GetNames(type).Any(n => n.Equals(value, StringComparison.OrdinalIgnoreCase))
            ? $"{string.Join(':', segments)}: '{value}' is not one of {string.Join(", ", Enum.GetNames(type))}."
            : null;
    }

    private static PropertyInfo? Property(Type type, string name) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => p.CanWrite && p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static Type? DictionaryValue(Type type) =>
        type.IsGenericType && typeof(IDictionary).IsAssignableFrom(type) ? type.GetGenericArguments()[1] : null;

    /// <summary>A settings file's JSON, checked before the configuration reads it: a syntax error names the file and its line.</summary>
    public static void CheckJson(string path, string label)
    {
        var bytes = File.ReadAllBytes(path);
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            var at = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
            throw new ConfigurationException([$"{label} '{path}': not valid JSON{at}: {FirstSentence(ex.Message)}"]);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ') + ".";
    }
}
