using System.Data.Common;

namespace SegmentMiner.Core;

/// <summary>
/// What may be shown of a value that can hold a secret: connection strings with every secret-bearing key masked
/// (whatever its spelling: Password, Pwd, quoted values with ';' inside), and URLs without their user information.
/// </summary>
public static class Secrets
{
    public const string Mask = "********";

    private static readonly string[] SecretKeyParts = ["password", "pwd", "secret", "token", "accountkey", "account key", "sharedaccess", "apikey", "api key"];

    /// <summary>True for a connection string key whose value is a secret.</summary>
    public static bool IsSecretKey(string key) => SecretKeyParts.Any(p => key.Contains(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The connection string with every secret value masked, parsed as ADO.NET parses it; one that cannot be parsed
    /// is withheld whole, since where its password ends cannot be told.
    /// </summary>
    public static string RedactConnectionString(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return connectionString ?? "";
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return "(withheld: not a well-formed connection string)";
        }

        foreach (var key in builder.Keys.Cast<string>().Where(IsSecretKey).ToList())
        {
            builder[key] = Mask;
        }

        return builder.ConnectionString;
    }

    /// <summary>An http(s) address as messages may show it: scheme, host, port and path, never user or password.</summary>
    public static string DisplayUrl(Uri url) =>
        url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : url.ToString();

    /// <summary><see cref="DisplayUrl(Uri)"/> for a setting's text; text that is no absolute URL is shown as it is.</summary>
    public static string DisplayUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? DisplayUrl(uri) : url;
}
