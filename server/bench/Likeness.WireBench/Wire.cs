using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Likeness.WireBench;

/// <summary>
/// Counts every byte the server sends on our sockets (status line, headers, chunk framing, compressed body),
/// i.e. what crosses the wire, below HttpClient's decompression.
/// </summary>
public static class WireCounter
{
    private static long _received;
    public static long Received => Interlocked.Read(ref _received);
    public static void Add(int count) => Interlocked.Add(ref _received, count);

    /// <summary>Bytes received while <paramref name="action"/> ran (only meaningful when nothing else runs).</summary>
    public static async Task<(T Result, long Bytes)> Measure<T>(Func<Task<T>> action)
    {
        var before = Received;
        var result = await action();
        return (result, Received - before);
    }

    public static SocketsHttpHandler Handler() => new()
    {
        // Like a browser: the client asks for br and gzip, so compressed answers are counted compressed.
        AutomaticDecompression = DecompressionMethods.Brotli | DecompressionMethods.GZip,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new CountingStream(new NetworkStream(socket, ownsSocket: true));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private sealed class CountingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Add(n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Add(n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>One signed-in API client (its own connections).</summary>
public sealed class Api(string baseUrl)
{
    public const string SessionPrefix = "/api/v1/identities/image-session";
    public readonly HttpClient Http = new(WireCounter.Handler()) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };

    public async Task SignIn(string email, string password)
    {
        var tokens = await Json(HttpMethod.Post, "/api/v1/auth/login", new { email, password });
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)tokens["access_token"]!);
    }

    public async Task<JsonNode> Json(HttpMethod method, string path, object? body = null, bool respondAsync = false)
    {
        using var response = await Send(method, path, body, respondAsync);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public Task<HttpResponseMessage> Send(HttpMethod method, string path, object? body = null, bool respondAsync = false,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is HttpContent content)
            request.Content = content;
        else if (body is not null)
            request.Content = JsonContent.Create(body);
        if (respondAsync)
            request.Headers.Add("Prefer", "respond-async");
        return Http.SendAsync(request, completion, cancellationToken);
    }

    /// <summary>Bytes of a GET's body (the response is read in full).</summary>
    public async Task<byte[]> Bytes(string path)
    {
        using var response = await Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Opens a job's event stream; the caller reads events with <see cref="Sse.Next"/>.</summary>
    public async Task<Sse> Events(string eventsUrl)
    {
        var response = await Send(HttpMethod.Get, eventsUrl, completion: HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new Sse(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>Starts an edit job (202) and follows its events to the end; the job JSON and the terminal event.</summary>
    public async Task<(JsonNode Job, string Event, JsonNode Data)> EditAsJob(string prompt)
    {
        var job = await Json(HttpMethod.Post, "/api/v1/identities/edit-image/", new { edit_prompt = prompt }, respondAsync: true);
        using var events = await Events((string)job["events_url"]!);
        var (name, data) = await events.Last();
        return (job, name, data);
    }
}

/// <summary>A text/event-stream being read, one event at a time.</summary>
public sealed class Sse(HttpResponseMessage response, StreamReader reader) : IDisposable
{
    /// <summary>The next event's name and data, or null at the end of the stream.</summary>
    public async Task<(string Event, JsonNode Data)?> Next()
    {
        string name = "message", data = "";
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                    return (name, JsonNode.Parse(data)!);
                continue;
            }
            if (line.StartsWith("event:"))
                name = line[6..].Trim();
            else if (line.StartsWith("data:"))
                data += line[5..].TrimStart();
        }
        return null;
    }

    /// <summary>Reads to the end; the last event.</summary>
    public async Task<(string Event, JsonNode Data)> Last()
    {
        (string, JsonNode)? last = null;
        while (await Next() is { } e)
            last = e;
        return last ?? throw new InvalidOperationException("The event stream ended without an event.");
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
