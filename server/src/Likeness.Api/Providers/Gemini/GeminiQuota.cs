using System.Globalization;
using System.Text.Json;

namespace Likeness.Api.Providers.Gemini;

/// <summary>
/// What a 429 RESOURCE_EXHAUSTED says about the quota: how long to wait (<c>google.rpc.RetryInfo.retryDelay</c>
/// in the body, else the <c>Retry-After</c> header, which Gemini rarely sends) and whether a per-day quota ran
/// out (<c>google.rpc.QuotaFailure</c> with a <c>…PerDay…</c> quota id), which is not worth retrying today.
/// </summary>
internal sealed record GeminiQuota(TimeSpan? Delay, bool Daily, string? QuotaId)
{
    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";
    private const string QuotaFailureType = "type.googleapis.com/google.rpc.QuotaFailure";

    public static async Task<GeminiQuota> Read(HttpResponseMessage response, DateTimeOffset now)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            text = "";
        }
        return From(GeminiClient.ReadError(text), GeminiServiceCollectionExtensions.RetryAfter(response, now));
    }

    public static GeminiQuota From(ErrorBody? error, TimeSpan? retryAfterHeader)
    {
        TimeSpan? delay = null;
        var daily = false;
        string? quotaId = null;
        foreach (var detail in error?.Details ?? [])
        {
            if (detail.ValueKind != JsonValueKind.Object || !detail.TryGetProperty("@type", out var type))
                continue;
            if (type.GetString() == RetryInfoType && detail.TryGetProperty("retryDelay", out var retryDelay))
                delay = ParseDuration(retryDelay) ?? delay;
            if (type.GetString() == QuotaFailureType && detail.TryGetProperty("violations", out var violations)
                && violations.ValueKind == JsonValueKind.Array)
            {
                foreach (var violation in violations.EnumerateArray())
                {
                    var id = violation.TryGetProperty("quotaId", out var q) ? q.GetString() : null;
                    var metric = violation.TryGetProperty("quotaMetric", out var m) ? m.GetString() : null;
                    quotaId ??= id ?? metric;
                    if ((id ?? "").Contains("PerDay", StringComparison.OrdinalIgnoreCase)
                        || (metric ?? "").Contains("per_day", StringComparison.OrdinalIgnoreCase))
                    {
                        daily = true;
                        quotaId = id ?? metric;
                    }
                }
            }
        }
        return new GeminiQuota(delay ?? retryAfterHeader, daily, quotaId);
    }

    /// <summary>A protobuf Duration in JSON: <c>"2s"</c>, <c>"1.5s"</c>, <c>"37.004s"</c>.</summary>
    internal static TimeSpan? ParseDuration(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 1 } text || !text.EndsWith('s'))
            return null;
        return double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>What the user is told to wait: the delay given, else a minute (or, for a daily quota, until midnight UTC).</summary>
    public TimeSpan UserDelay(DateTimeOffset now) =>
        Delay ?? (Daily ? now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime : TimeSpan.FromMinutes(1));
}
