using System.Text.Json.Serialization;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// Reads the API's answers as typed records with the app's JSON settings (Program.cs: snake_case names, enums as
/// snake_case strings, on the web defaults). <c>ApiJsonTests</c> checks these are the options the app really uses.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly(); // shared by every test: nobody may change it
        return options;
    }

    /// <summary>
    /// The body of a 2xx answer as <typeparamref name="T"/>; fails with the body when the answer is not a success
    /// (a problem would otherwise read as a record of nulls) or not that shape. Problems are read with AssertProblemAsync.
    /// </summary>
    public static async Task<T> ReadAsAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        try
        {
            return JsonSerializer.Deserialize<T>(body, Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            Assert.Fail($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: not a {typeof(T).Name} ({e.Message}): {body}");
            throw;
        }
    }

    /// <summary>GETs the URL and reads the answer as <typeparamref name="T"/> (asserting a 200).</summary>
    public static async Task<T> GetAsAsync<T>(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsAsync<T>();
    }
}
