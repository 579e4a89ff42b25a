using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// Just enough of a SQL Server (TDS 7.4, MS-TDS 2.2.6) to see what a client logs in with: it answers the client's
/// PRELOGIN saying it supports no encryption, so the LOGIN7 that follows comes in clear, reads the application and
/// database names from it, then closes the connection (the client's login fails). Connections that send nothing
/// (a port probe) are ignored.
/// </summary>
internal sealed class FakeTdsServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<(string Application, string Database)> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeTdsServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The application and database names of the first LOGIN7 received.</summary>
    public Task<(string Application, string Database)> Login => _login.Task;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (type, _) = await ReadMessageAsync(stream);
                if (type != 0x12)
                {
                    return; // not a PRELOGIN
                }

                await stream.WriteAsync(PreloginResponse(), _stop.Token);
                var (loginType, login) = await ReadMessageAsync(stream);
                if (loginType == 0x10)
                {
                    _login.TrySetResult((Field(login, 48), Field(login, 68)));
                }
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException or SocketException)
            {
                // a probe that closed, or the test ended
            }
        }
    }

    /// <summary>A LOGIN7 string field: its offset and length (in characters) at <paramref name="at"/>, UTF-16LE.</summary>
    private static string Field(byte[] login, int at)
    {
        var offset = BinaryPrimitives.ReadUInt16LittleEndian(login.AsSpan(at));
        var length = BinaryPrimitives.ReadUInt16LittleEndian(login.AsSpan(at + 2));
        return Encoding.Unicode.GetString(login, offset, length * 2);
    }

    /// <summary>One TDS message: its packets' payloads up to the one marked end of message.</summary>
    private async Task<(byte Type, byte[] Payload)> ReadMessageAsync(NetworkStream stream)
    {
        using var payload = new MemoryStream();
        var header = new byte[8];
        byte type;
        bool last;
        do
        {
            await stream.ReadExactlyAsync(header, _stop.Token);
            type = header[0];
            last = (header[1] & 0x01) != 0;
            var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)) - 8];
            await stream.ReadExactlyAsync(body, _stop.Token);
            payload.Write(body);
        }
        while (!last);

        return (type, payload.ToArray());
    }

    /// <summary>PRELOGIN response: version 15.0, encryption not supported, no instance, no thread id, MARS off.</summary>
    private static byte[] PreloginResponse()
    {
        byte[] data = [0x0F, 0x00, 0x07, 0xD0, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        (byte Token, int Length)[] options = [(0x00, 6), (0x01, 1), (0x02, 1), (0x03, 4), (0x04, 1)];
        var payload = new List<byte>();
        var offset = options.Length * 5 + 1;
        foreach (var (token, length) in options)
        {
            payload.Add(token);
            payload.Add((byte)(offset >> 8));
            payload.Add((byte)offset);
            payload.Add((byte)(length >> 8));
            payload.Add((byte)length);
            offset += length;
        }

        payload.Add(0xFF);
        payload.AddRange(data);
        var packet = new byte[8 + payload.Count];
        packet[0] = 0x04; // tabular result
        packet[1] = 0x01; // end of message
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        payload.CopyTo(packet, 8);
        return packet;
    }
}
