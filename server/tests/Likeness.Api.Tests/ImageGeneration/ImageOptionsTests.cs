namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>With the Local engine: one model, stateless edits, no cost.</summary>
public sealed class ImageOptionsTests : IClassFixture<LikenessApiFactory>
{
    private readonly LikenessApiFactory _app;

    public ImageOptionsTests(LikenessApiFactory app) => _app = app;

    [Fact]
    public async Task The_Local_engine_is_one_model_with_single_edits()
    {
        var (client, _) = await _app.CreateUserClientAsync();
        var options = await client.GetFromJsonAsync<JsonElement>("/api/v1/image-options");

        var model = Assert.Single(options.GetProperty("models").EnumerateArray());
        Assert.Equal("local", model.GetProperty("id").GetString());
        Assert.Equal("local", model.GetProperty("engine").GetString());
        Assert.Equal("Offline engine", model.GetProperty("label").GetString());
        Assert.True(model.GetProperty("is_default").GetBoolean());
        Assert.Equal(JsonValueKind.Null, model.GetProperty("price_per_image_usd").ValueKind);
        Assert.Equal(["single"], options.GetProperty("edit_modes").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("single", options.GetProperty("default_edit_mode").GetString());
    }

    [Fact]
    public async Task A_Local_session_has_model_local_no_usage_and_no_cost()
    {
        var (client, _, generated) = await _app.StartSessionAsync();
        Assert.Equal("local", generated.Model);
        Assert.Equal("single", generated.EditMode);
        Assert.Null(generated.EstimatedCostUsd);

        var history = await client.GetFromJsonAsync<JsonElement>("/api/v1/identities/image-session/history/");
        var version = Assert.Single(history.GetProperty("versions").EnumerateArray());
        Assert.Equal("local", version.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, version.GetProperty("usage").ValueKind);
        Assert.Equal(JsonValueKind.Null, version.GetProperty("estimated_cost_usd").ValueKind);

        using var admin = await _app.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, edit_mode = "chat" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "edit_mode must be one of single.");
        await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, model = "gemini-3-pro-image" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "model must be one of local.");
    }
}
