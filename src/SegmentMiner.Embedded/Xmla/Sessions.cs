using System.Collections.Concurrent;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>An explicit session: its catalog, when it was last used, and what cancels its running command.</summary>
public sealed class EndpointSession(string id, string? catalog)
{
    private CancellationTokenSource _cancel = new();

    public string Id { get; } = id;

    public string? Catalog { get; set; } = catalog;

    public DateTime LastUsed { get; set; } = DateTime.UtcNow;

    public CancellationToken Token => _cancel.Token;

    /// <summary>Cancels what runs now; later commands in the session run normally.</summary>
    public void Cancel()
    {
        var old = Interlocked.Exchange(ref _cancel, new CancellationTokenSource());
        old.Cancel();
    }
}

/// <summary>Sessions by id; one idle longer than the timeout has expired and is gone.</summary>
public sealed class SessionTable(TimeSpan timeout)
{
    private readonly ConcurrentDictionary<string, EndpointSession> _sessions = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan Timeout { get; } = timeout;

    public int Count => _sessions.Count;

    public EndpointSession Begin(string? catalog)
    {
        var s = new EndpointSession(Guid.NewGuid().ToString().ToUpperInvariant(), catalog);
        _sessions[s.Id] = s;
        return s;
    }

    public EndpointSession Get(string id)
    {
        if (!_sessions.TryGetValue(id, out var s))
        {
            throw new XmlaFault(XmlaFault.Session, $"The session with the '{id}' ID cannot be found: it was never opened, has ended, or has expired.");
        }

        if (DateTime.UtcNow - s.LastUsed > Timeout)
        {
            _sessions.TryRemove(id, out _);
            throw new XmlaFault(XmlaFault.Session, $"The session with the '{id}' ID has expired (idle longer than {Timeout.TotalSeconds:0.###} s); open a new session.");
        }

        s.LastUsed = DateTime.UtcNow;
        return s;
    }

    public EndpointSession? Find(string id) => _sessions.GetValueOrDefault(id);

    public void End(string id) => _sessions.TryRemove(id, out _);
}
