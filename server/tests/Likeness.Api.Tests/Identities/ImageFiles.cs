using System.IO.Compression;

namespace Likeness.Api.Tests.Identities;

/// <summary>Files for upload tests: unique images (the store is content-addressed), broken ones, huge ones.</summary>
public static class ImageFiles
{
    /// <summary>A small PNG no other test uploads, so its stored file belongs to this test alone.</summary>
    public static byte[] UniquePng() =>
        TestImages.Png(Random.Shared.Next(24, 72), Random.Shared.Next(24, 72), RandomColour());

    public static byte[] UniqueJpeg() =>
        TestImages.Jpeg(Random.Shared.Next(24, 72), Random.Shared.Next(24, 72), RandomColour());

    public static SKColor RandomColour() =>
        new((byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256));

    /// <summary>A 1×1 GIF: a real image, of a type the API does not take.</summary>
    public static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    /// <summary>The first half of an image: a valid header, data cut off.</summary>
    public static byte[] Truncated(byte[] image) => image[..(image.Length / 2)];

    /// <summary>
    /// A 1-bit greyscale PNG of one colour: a few kilobytes on the wire however many pixels its header
    /// claims, so the pixel limit can be tested without megabytes of traffic.
    /// </summary>
    public static byte[] BlankPng(int width, int height)
    {
        var rowBytes = (width + 7) / 8 + 1; // one filter byte per row
        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                var row = new byte[rowBytes];
                for (var y = 0; y < height; y++)
                    zlib.Write(row);
            }
            compressed = buffer.ToArray();
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        WriteBigEndian(header, 0, (uint)width);
        WriteBigEndian(header, 4, (uint)height);
        header[8] = 1; // bit depth
        header[9] = 0; // greyscale
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Where the content-addressed store keeps these bytes.</summary>
    public static string StoredPath(string imagesDirectory, byte[] bytes)
    {
        var key = Sha256(bytes);
        return Path.Combine(imagesDirectory, key[..2], key);
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        WriteBigEndian(length, 0, (uint)data.Length);
        stream.Write(length);
        var typeAndData = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        var crc = new byte[4];
        WriteBigEndian(crc, 0, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static void WriteBigEndian(byte[] target, int offset, uint value)
    {
        target[offset] = (byte)(value >> 24);
        target[offset + 1] = (byte)(value >> 16);
        target[offset + 2] = (byte)(value >> 8);
        target[offset + 3] = (byte)value;
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }
}
