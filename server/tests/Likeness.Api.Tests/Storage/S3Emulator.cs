using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Likeness.Api.Tests.Storage;

/// <summary>
/// An in-memory S3 server on loopback, path-style (<c>/{bucket}/{key}</c>), for one bucket. It implements what
/// the image store uses — PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2 (prefix,
/// max-keys, continuation tokens, start-after) — with S3's XML bodies and error XML, and it checks every request
/// the way S3 does: the bucket name, a valid SigV4 signature (<c>Authorization: AWS4-HMAC-SHA256</c>) with the
/// configured access key id and region, and the body against the signed <c>x-amz-content-sha256</c>.
/// Like a simple S3-compatible server, it refuses aws-chunked bodies and flexible-checksum headers.
/// </summary>
public sealed class S3Emulator : IAsyncDisposable
{
    public const string Bucket = "likeness-test";
    public const string AccessKey = "AKIALIKENESSTEST0001";
    public const string SecretKey = "emulator-secret-Zq8vX2mN4kL7pR1tY6wB3cD5";
    public const string Region = "us-east-1";

    private static readonly XNamespace S3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";
    private readonly WebApplication _app;

    private S3Emulator(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The endpoint, e.g. <c>http://127.0.0.1:40123</c>: the store's <c>ServiceUrl</c>.</summary>
    public string Url { get; }

    /// <summary>The objects, by full object name (prefix included).</summary>
    public ConcurrentDictionary<string, StoredObject> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request as <c>METHOD raw-target</c>, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every request's method, raw target and headers (lower-case names), in order.</summary>
    public ConcurrentQueue<RecordedRequest> Recorded { get; } = new();

    public sealed record RecordedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers);

    /// <summary>Why each refused request was refused (authentication, unsupported headers, bad bodies).</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>The most keys one ListObjectsV2 page holds (S3's is 1000); set it low to prove paging.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>The clock that stamps <c>LastModified</c> (the app's <see cref="TestClock"/> in app tests).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public sealed record StoredObject(byte[] Bytes, string ContentType, DateTime LastModified, string ETag);

    public int Count(string method) => Requests.Count(r => r.StartsWith(method + " ", StringComparison.Ordinal));

    /// <summary>Puts an object directly (not through the API), e.g. one that is not an image key.</summary>
    public void Seed(string objectName, byte[] bytes) =>
        Objects[objectName] = new StoredObject(bytes, "application/octet-stream", Now(), ETagOf(bytes));

    public static async Task<S3Emulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        S3Emulator? emulator = null;
        app.Run(context => emulator!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator = new S3Emulator(app, address.TrimEnd('/'));
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private DateTime Now()
    {
        // S3 keeps LastModified to the second.
        var now = Time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        Requests.Enqueue($"{request.Method} {rawTarget}");
        Recorded.Enqueue(new RecordedRequest(request.Method, rawTarget,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
        var queryStart = rawTarget.IndexOf('?');
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var rawQuery = queryStart < 0 ? "" : rawTarget[(queryStart + 1)..];

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();

        var refusal = CheckSignature(request, rawPath, rawQuery, body);
        if (refusal is not null)
        {
            await ErrorAsync(context, refusal.Value.Status, refusal.Value.Code, refusal.Value.Message);
            return;
        }

        var path = rawPath.TrimStart('/');
        var slash = path.IndexOf('/');
        var bucket = Uri.UnescapeDataString(slash < 0 ? path : path[..slash]);
        var key = slash < 0 ? null : Uri.UnescapeDataString(path[(slash + 1)..]);
        if (bucket != Bucket)
        {
            await ErrorAsync(context, 404, "NoSuchBucket", "The specified bucket does not exist.");
            return;
        }

        switch (request.Method, key)
        {
            case ("GET", null or "") when request.Query["list-type"] == "2":
                await ListObjectsV2Async(context);
                break;
            case ("PUT", { Length: > 0 }) when !request.Headers.ContainsKey("x-amz-copy-source"):
                await PutObjectAsync(context, key, body);
                break;
            case ("GET" or "HEAD", { Length: > 0 }):
                await GetObjectAsync(context, key, head: request.Method == "HEAD");
                break;
            case ("DELETE", { Length: > 0 }):
                Objects.TryRemove(key, out _);
                context.Response.StatusCode = 204;
                break;
            default:
                await ErrorAsync(context, 501, "NotImplemented", $"The emulator does not implement {request.Method} {rawTarget}.");
                break;
        }
    }

    private async Task PutObjectAsync(HttpContext context, string key, byte[] body)
    {
        var headers = context.Request.Headers;
        if (headers.ContentEncoding.ToString().Contains("aws-chunked", StringComparison.OrdinalIgnoreCase)
            || headers["x-amz-content-sha256"].ToString().StartsWith("STREAMING-", StringComparison.Ordinal))
        {
            await RefuseAsync(context, 501, "NotImplemented", "aws-chunked uploads are not supported: send the body as plain bytes.");
            return;
        }
        var checksumHeader = headers.Keys.FirstOrDefault(h =>
            h.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
            || h.Equals("x-amz-sdk-checksum-algorithm", StringComparison.OrdinalIgnoreCase)
            || h.Equals("x-amz-trailer", StringComparison.OrdinalIgnoreCase));
        if (checksumHeader is not null)
        {
            await RefuseAsync(context, 400, "InvalidArgument", $"Unsupported header '{checksumHeader}' received for this API call.");
            return;
        }
        if (headers.ContentLength is { } length && length != body.Length)
        {
            await RefuseAsync(context, 400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
            return;
        }
        var contentMd5 = headers["Content-MD5"].ToString();
        if (contentMd5.Length > 0 && contentMd5 != Convert.ToBase64String(MD5.HashData(body)))
        {
            await RefuseAsync(context, 400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
            return;
        }
        var stored = new StoredObject(body, headers.ContentType.ToString() is { Length: > 0 } type ? type : "binary/octet-stream", Now(), ETagOf(body));
        Objects[key] = stored;
        context.Response.Headers.ETag = stored.ETag;
        context.Response.StatusCode = 200;
    }

    private async Task GetObjectAsync(HttpContext context, string key, bool head)
    {
        if (!Objects.TryGetValue(key, out var stored))
        {
            if (head)
                context.Response.StatusCode = 404; // HEAD answers carry no body
            else
                await ErrorAsync(context, 404, "NoSuchKey", "The specified key does not exist.", key);
            return;
        }
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = stored.ContentType;
        response.ContentLength = stored.Bytes.Length;
        response.Headers.ETag = stored.ETag;
        response.Headers.LastModified = stored.LastModified.ToString("R", CultureInfo.InvariantCulture);
        response.Headers.AcceptRanges = "bytes";
        if (!head)
            await response.Body.WriteAsync(stored.Bytes);
    }

    private async Task ListObjectsV2Async(HttpContext context)
    {
        var query = context.Request.Query;
        if (!string.IsNullOrEmpty(query["delimiter"]))
        {
            await ErrorAsync(context, 501, "NotImplemented", "The emulator does not implement delimiter.");
            return;
        }
        var prefix = query["prefix"].ToString();
        var maxKeys = int.TryParse(query["max-keys"], out var requested) ? Math.Clamp(requested, 0, 1000) : 1000;
        var pageSize = Math.Min(maxKeys, PageSize);
        var continuationToken = query["continuation-token"].ToString();
        string after;
        if (continuationToken.Length > 0)
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(continuationToken)); }
            catch (FormatException)
            {
                await ErrorAsync(context, 400, "InvalidArgument", "The continuation token provided is incorrect");
                return;
            }
        }
        else
        {
            after = query["start-after"].ToString();
        }
        var urlEncoded = query["encoding-type"] == "url";

        var matching = Objects
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(o.Key, after) > 0)
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .ToList();
        var page = matching.Take(pageSize).ToList();
        var truncated = matching.Count > page.Count;

        string Encode(string value) => urlEncoded ? Uri.EscapeDataString(value).Replace("%2F", "/") : value;
        var result = new XElement(S3Ns + "ListBucketResult",
            new XElement(S3Ns + "Name", Bucket),
            new XElement(S3Ns + "Prefix", Encode(prefix)),
            continuationToken.Length > 0 ? new XElement(S3Ns + "ContinuationToken", continuationToken) : null,
            new XElement(S3Ns + "KeyCount", page.Count),
            new XElement(S3Ns + "MaxKeys", maxKeys),
            urlEncoded ? new XElement(S3Ns + "EncodingType", "url") : null,
            new XElement(S3Ns + "IsTruncated", truncated ? "true" : "false"),
            truncated ? new XElement(S3Ns + "NextContinuationToken", Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Key))) : null,
            page.Select(o => new XElement(S3Ns + "Contents",
                new XElement(S3Ns + "Key", Encode(o.Key)),
                new XElement(S3Ns + "LastModified", o.Value.LastModified.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
                new XElement(S3Ns + "ETag", o.Value.ETag),
                new XElement(S3Ns + "Size", o.Value.Bytes.Length),
                new XElement(S3Ns + "StorageClass", "STANDARD"))));
        await XmlAsync(context, 200, result);
    }

    // ---- SigV4, as S3 checks it ----

    private (int Status, string Code, string Message)? CheckSignature(HttpRequest request, string rawPath, string rawQuery, byte[] body)
    {
        (int, string, string)? Refuse(int status, string code, string message)
        {
            Refusals.Enqueue($"{request.Method} {rawPath}: {code}: {message}");
            return (status, code, message);
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
            return Refuse(403, "AccessDenied", "Anonymous access is not allowed: requests must be signed with AWS Signature Version 4.");
        const string algorithm = "AWS4-HMAC-SHA256";
        if (!authorization.StartsWith(algorithm + " ", StringComparison.Ordinal))
            return Refuse(400, "InvalidArgument", "Unsupported Authorization Type: only AWS4-HMAC-SHA256 is accepted.");
        var parts = authorization[algorithm.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaderList)
            || !parts.TryGetValue("Signature", out var signature))
            return Refuse(400, "AuthorizationHeaderMalformed", "The authorization header is malformed: it needs Credential, SignedHeaders and Signature.");
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "s3" || scope[4] != "aws4_request")
            return Refuse(400, "AuthorizationHeaderMalformed", $"The credential scope '{credential}' is malformed.");
        if (scope[0] != AccessKey)
            return Refuse(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
        if (scope[2] != Region)
            return Refuse(400, "AuthorizationHeaderMalformed", $"The authorization header is malformed; the region '{scope[2]}' is wrong; expecting '{Region}'.");

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (amzDate.Length != 16 || !amzDate.StartsWith(scope[1], StringComparison.Ordinal))
            return Refuse(403, "AccessDenied", "x-amz-date is missing or does not match the credential scope's date.");
        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (payloadHash.Length == 0)
            return Refuse(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
        if (payloadHash != "UNSIGNED-PAYLOAD" && !payloadHash.StartsWith("STREAMING-", StringComparison.Ordinal)
            && payloadHash != Convert.ToHexStringLower(SHA256.HashData(body)))
            return Refuse(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");

        var signedHeaders = signedHeaderList.Split(';');
        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-amz-date") || !signedHeaders.Contains("x-amz-content-sha256"))
            return Refuse(403, "AccessDenied", "host, x-amz-date and x-amz-content-sha256 must be signed.");
        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            var value = string.Join(",", request.Headers[name].Select(v => string.Join(' ', (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))));
            canonicalHeaders.Append(name).Append(':').Append(value.Trim()).Append('\n');
        }
        var canonicalRequest = string.Join('\n',
            request.Method,
            rawPath.Length == 0 ? "/" : rawPath,
            CanonicalQuery(rawQuery),
            canonicalHeaders.ToString(),
            signedHeaderList,
            payloadHash);
        var credentialScope = string.Join('/', scope[1..]);
        var stringToSign = string.Join('\n', algorithm, amzDate, credentialScope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Encoding.UTF8.GetBytes("AWS4" + SecretKey);
        foreach (var step in new[] { scope[1], scope[2], scope[3], scope[4] })
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(step));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            return Refuse(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
        return null;
    }

    private static string CanonicalQuery(string rawQuery) =>
        string.Join('&', rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var equals = pair.IndexOf('=');
                var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
                var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
                return (Name: Uri.EscapeDataString(name), Value: Uri.EscapeDataString(value));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    // ---- replies ----

    private Task RefuseAsync(HttpContext context, int status, string code, string message)
    {
        Refusals.Enqueue($"{context.Request.Method} {context.Request.Path}: {code}: {message}");
        return ErrorAsync(context, status, code, message);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message, string? key = null)
    {
        var error = new XElement("Error",
            new XElement("Code", code),
            new XElement("Message", message),
            key is null ? null : new XElement("Key", key),
            new XElement("RequestId", Guid.NewGuid().ToString("N")[..16].ToUpperInvariant()));
        if (context.Request.Method == "HEAD")
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        return XmlAsync(context, status, error);
    }

    private static async Task XmlAsync(HttpContext context, int status, XElement root)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        context.Response.Headers["x-amz-request-id"] = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var xml = new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
        await context.Response.WriteAsync(xml.Declaration + "\n" + xml.Root!.ToString(SaveOptions.DisableFormatting));
    }

    private static string ETagOf(byte[] bytes) => $"\"{Convert.ToHexStringLower(MD5.HashData(bytes))}\"";
}
