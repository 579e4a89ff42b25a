using System.Diagnostics;

namespace SegmentMiner.Warehouse;

/// <summary>
/// One writer at a time: an exclusive lock on <c>warehouse.lock</c> in the data folder. The OS releases it when
/// the process dies, so a crashed sync never leaves the warehouse locked.
/// </summary>
public sealed class WriterLock : IDisposable
{
    private readonly FileStream _stream;

    private WriterLock(FileStream stream) => _stream = stream;

    public static WriterLock Acquire(string path, TimeSpan timeout, Action<string>? notify = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            try
            {
                var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new WriterLock(fs);
            }
            catch (IOException) when (watch.Elapsed < timeout)
            {
                if (!told)
                {
                    notify?.Invoke($"another process is writing the warehouse; waiting up to {timeout.TotalSeconds:0} s (Sync:LockTimeout)");
                    told = true;
                }

                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (IOException)
            {
                throw new WarehouseLockedException(
                    $"the warehouse is locked by another process (lock file '{Path.GetFileName(path)}'); gave up after {timeout.TotalSeconds:0} s. Try again when it finishes, or raise Sync:LockTimeout.");
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
