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
        var options = await client.GetAsAsync<ImageOptionsResponse>("/api/v1/image-options");

        var model = Assert.Single(options.Models);
        Assert.Equal("local", model.Id);
        Assert.Equal("local", model.Engine);
        Assert.Equal("Offline engine", model.Label);
        Assert.True(model.IsDefault);
        Assert.Null(model.PricePerImageUsd);
        Assert.Equal(["single"], options.EditModes);
        Assert.Equal("single", options.DefaultEditMode);
    }

    [Fact]
    public async Task A_Local_session_has_model_local_no_usage_and_no_cost()
    {
        var (client, _, generated) = await _app.StartSessionAsync();
        Assert.Equal("local", generated.Model);
        Assert.Equal("single", generated.EditMode);
        Assert.Null(generated.EstimatedCostUsd);

        var history = await client.GetAsAsync<ImageSessionHistoryResponse>("/api/v1/identities/image-session/history/");
        var version = Assert.Single(history.Versions);
        Assert.Equal("local", version.Model);
        Assert.Null(version.Usage);
        Assert.Null(version.EstimatedCostUsd);

        using var admin = await _app.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, edit_mode = "chat" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "edit_mode must be one of single.");
        await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, model = "gemini-3-pro-image" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "model must be one of local.");
    }
}
