using System.Buffers.Binary;
using System.IO.Compression;

namespace SegmentMiner.Xmla.Tests.Browser;

/// <summary>
/// Just enough PNG to tell whether a picture is blank: 8-bit greyscale, RGB or RGBA, not interlaced (what Chromium's
/// screenshots and pdftoppm write), decoded to its pixels.
/// </summary>
internal sealed record Png(int Width, int Height, int Channels, byte[] Pixels)
{
    public static Png Decode(byte[] file)
    {
        int width = 0, height = 0, channels = 0;
        using var data = new MemoryStream();
        for (var at = 8; at < file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var body = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                (width, height) = (BinaryPrimitives.ReadInt32BigEndian(body), BinaryPrimitives.ReadInt32BigEndian(body[4..]));
                if (body[8] != 8 || body[12] != 0)
                {
                    throw new NotSupportedException($"PNG bit depth {body[8]}, interlace {body[12]}");
                }

                channels = body[9] switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {body[9]}") };
            }
            else if (type == "IDAT")
            {
                data.Write(body);
            }

            at += 12 + length;
        }

        data.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(data, CompressionMode.Decompress))
        {
            z.CopyTo(inflated);
        }

        return new Png(width, height, channels, Unfilter(inflated.ToArray(), width, height, channels));
    }

    /// <summary>The share of pixels that differ from the most common colour: 0 for a blank picture.</summary>
    public double Ink()
    {
        var counts = new Dictionary<int, int>();
        for (var i = 0; i + Channels <= Pixels.Length; i += Channels)
        {
            var key = Channels == 1 ? Pixels[i] : (Pixels[i] << 16) | (Pixels[i + 1] << 8) | Pixels[i + 2];
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        var total = Width * Height;
        return total == 0 ? 0 : 1.0 - ((double)counts.Values.Max() / total);
    }

    private static byte[] Unfilter(byte[] raw, int width, int height, int bpp)
    {
        var stride = width * bpp;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var src = (y * (stride + 1)) + 1;
            var row = y * stride;
            for (var x = 0; x < stride; x++)
            {
                int a = x >= bpp ? pixels[row + x - bpp] : 0, b = y > 0 ? pixels[row - stride + x] : 0, c = x >= bpp && y > 0 ? pixels[row - stride + x - bpp] : 0;
                var predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c), _ => throw new NotSupportedException($"PNG filter {filter}") };
                pixels[row + x] = (byte)(raw[src + x] + predictor);
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
