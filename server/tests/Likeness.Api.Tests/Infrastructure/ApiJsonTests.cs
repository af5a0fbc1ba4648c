using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.Infrastructure;

public sealed class ApiJsonTests
{
    [Fact]
    public async Task The_tests_read_with_the_JSON_options_the_app_writes_with()
    {
        await using var factory = new LikenessApiFactory();
        var app = factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        Assert.Same(System.Text.Json.JsonNamingPolicy.SnakeCaseLower, app.PropertyNamingPolicy);
        Assert.Same(app.PropertyNamingPolicy, ApiJson.Options.PropertyNamingPolicy);
        Assert.Equal(app.PropertyNameCaseInsensitive, ApiJson.Options.PropertyNameCaseInsensitive);
        Assert.Equal(app.NumberHandling, ApiJson.Options.NumberHandling);
        Assert.Equal(app.Converters.Select(c => c.GetType()), ApiJson.Options.Converters.Select(c => c.GetType()));
        var sample = new Likeness.Api.ImageGeneration.ImageJobResponse(Guid.NewGuid(), Likeness.Api.ImageGeneration.ImageJobKind.Edit,
            Likeness.Api.ImageGeneration.ImageJobStatus.Running, null, DateTime.UtcNow, null, null, null, null, "/events/");
        Assert.Equal(JsonSerializer.Serialize(sample, app), JsonSerializer.Serialize(sample, ApiJson.Options));
    }
}
