using System.Net.ServerSentEvents;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>Reads a job's event stream the way a browser's EventSource does.</summary>
public static class ServerSentEvents
{
    public sealed record Event(string Id, string Name, JsonElement Data)
    {
        /// <summary>The event's data as <typeparamref name="T"/>, read with the app's JSON settings.</summary>
        public T DataAs<T>() => Data.Deserialize<T>(ApiJson.Options) ?? throw new JsonException($"{Name} event {Id} has null data.");
    }

    /// <summary>Every event until the server ends the stream (after a terminal event).</summary>
    public static async Task<List<Event>> ReadEventsAsync(this HttpClient client, string url, string? lastEventId = null)
    {
        var events = new List<Event>();
        await foreach (var e in client.StreamEventsAsync(url, lastEventId))
            events.Add(e);
        return events;
    }

    public static async IAsyncEnumerable<Event> StreamEventsAsync(this HttpClient client, string url, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(timeout.Token))
            yield return new Event(item.EventId ?? "", item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone());
    }
}
