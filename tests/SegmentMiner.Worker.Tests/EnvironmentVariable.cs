namespace SegmentMiner.Worker.Tests;

/// <summary>Sets an environment variable for the scope of a using block.</summary>
internal sealed class EnvironmentVariable : IDisposable
{
    private readonly string _name;
    private readonly string? _before;

    public EnvironmentVariable(string name, string value)
    {
        _name = name;
        _before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _before);
}
