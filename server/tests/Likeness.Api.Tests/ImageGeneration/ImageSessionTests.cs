namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>The plan's step 6 and its error table, through the HTTP API.</summary>
public sealed class ImageSessionTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    [Fact]
    public async Task Generate_then_two_edits_each_apply_to_the_previous_image()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();

        var generated = await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, aspect_ratio = "16:9", resolution = "1K" })).ReadAsAsync<ImageSessionResponse>();
        Assert.True(generated.HasActiveSession);
        Assert.Equal(identityId, generated.SessionIdentityId);
        using (var image = TestImages.Decode(generated.ImageBase64!))
            Assert.Equal((1024, 576), (image.Width, image.Height));
        Assert.False(generated.CanUndo);

        var rotated = await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var rotatedBody = await rotated.ReadAsAsync<ImageSessionResponse>();
        using (var image = TestImages.Decode(rotatedBody.ImageBase64!))
        {
            Assert.Equal((576, 1024), (image.Width, image.Height));
            Assert.True(TestImages.MaxSaturation(image) > 10, "the generated canvas has colour before black and white");
        }
        Assert.True(rotatedBody.CanUndo);

        var grey = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "black and white" })).ReadAsAsync<ImageSessionResponse>();
        using (var image = TestImages.Decode(grey.ImageBase64!))
        {
            Assert.Equal((576, 1024), (image.Width, image.Height)); // still rotated: applied to the previous image
            Assert.Equal(0, TestImages.MaxSaturation(image));
        }
        Assert.Equal("black and white", grey.LastPrompt);

        // The status endpoint restores exactly this image after a reload: by URL, never as base64 (the raw JSON, on purpose).
        var status = await (await client.GetAsync(Status)).ReadWithoutImageBase64Async();
        Assert.NotNull(status.VersionId);
        Assert.Equal(grey.VersionId, status.VersionId);
        var bytes = await client.GetByteArrayAsync(status.ImageUrl);
        Assert.Equal(grey.ImageBase64, Convert.ToBase64String(bytes));
    }

    [Fact]
    public async Task Generate_again_replaces_the_session_and_keeps_the_old_one_in_the_library()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();

        var first = await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", additional_prompt = "first" })).ReadAsAsync<ImageSessionResponse>();
        var edited = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).ReadAsAsync<ImageSessionResponse>();
        var firstImage = await client.GetAsync(first.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, firstImage.StatusCode);

        var secondResponse = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", additional_prompt = "second" });
        Assert.True(secondResponse.IsSuccessStatusCode, await secondResponse.Content.ReadAsStringAsync());
        var second = await secondResponse.ReadAsAsync<ImageSessionResponse>();
        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.False(second.CanUndo);
        Assert.Equal("1:1", second.AspectRatio);

        var history = await client.GetAsAsync<ImageSessionHistoryResponse>("/api/v1/identities/image-session/history/");
        Assert.Single(history.Versions);
        // The old session's versions are no longer the session's; they are in the library, images and all.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(edited.ImageUrl)).StatusCode);
        var library = await client.GetAsAsync<List<LibrarySessionResponse>>("/api/v1/identities/image-session/library/");
        var old = Assert.Single(library);
        Assert.Equal(first.SessionId, old.Id);
        Assert.Equal(2, old.VersionCount);
        var oldImage = await client.GetAsync(old.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, oldImage.StatusCode);
        Assert.Equal(edited.ImageBase64, Convert.ToBase64String(await oldImage.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Edit_without_a_session_is_the_plans_400()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "No active image session. Please generate an image first.");

        var status = await (await client.GetAsync(Status)).ReadWithoutImageBase64Async();
        Assert.False(status.HasActiveSession);
        Assert.Null(status.SessionIdentityId);
        Assert.Null(status.ImageUrl);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task Edit_with_an_empty_prompt_is_400_and_changes_nothing(string? prompt)
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var generated = await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).ReadAsAsync<ImageSessionResponse>();

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = prompt });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Edit prompt is required.");
        var status = await client.GetAsAsync<ImageSessionResponse>(Status);
        Assert.Equal(generated.VersionId, status.VersionId);
    }

    [Fact]
    public async Task Edit_naming_another_identity_is_400()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var otherId = await admin.CreateIdentityAsync(name: "Grace");
        await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert", identity_id = otherId });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Current session is for a different identity. Generate a new image to start editing.");
        var same = await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert", identity_id = identityId });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Fact]
    public async Task Generate_without_reference_images_is_400()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 0);
        var response = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Reference images are required for image generation.");
    }

    [Fact]
    public async Task Admin_endpoints_answer_404_for_an_unknown_user()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var nobody = Guid.NewGuid();
        await (await admin.PostAsJsonAsync(AdminGenerate, new { user_id = nobody, identity_id = identityId, resolution = "1K" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
        await (await admin.PostAsJsonAsync(AdminEdit, new { user_id = nobody, edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
        await (await admin.GetAsync($"/api/v1/admin/users/{nobody}/image-session/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
        await (await admin.GetAsync($"/api/v1/admin/users/{nobody}/image-session/jobs/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
    }

    [Fact]
    public async Task Generate_for_an_unknown_identity_is_404()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        await (await client.PostAsJsonAsync(Generate, new { identity_id = Guid.NewGuid(), resolution = "1K" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
    }

    [Theory]
    [InlineData("{\"identity_id\":\"IDENTITY\",\"aspect_ratio\":\"7:5\"}", "aspect_ratio must be one of 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9.")]
    [InlineData("{\"identity_id\":\"IDENTITY\",\"resolution\":\"8K\"}", "resolution must be one of 1K, 2K, 4K.")]
    [InlineData("{\"identity_id\":\"not-a-uuid\"}", "identity_id must be a UUID.")]
    [InlineData("{\"additional_prompt\":\"hello\"}", "identity_id is required.")]
    public async Task Bad_generate_parameters_are_400_with_the_allowed_values(string body, string detail)
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var content = new StringContent(body.Replace("IDENTITY", identityId.ToString()), System.Text.Encoding.UTF8, "application/json");
        await (await admin.PostAsync(Generate, content)).AssertProblemAsync(HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task Admin_endpoints_need_a_valid_user_id()
    {
        using var admin = await factory.CreateAdminClientAsync();
        await (await admin.PostAsJsonAsync(AdminEdit, new { user_id = "nope", edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "user_id must be a UUID.");
        await (await admin.PostAsJsonAsync(AdminEdit, new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "user_id is required.");
        // The owner is part of the path: a malformed one names no route.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/admin/users/nope/image-session/")).StatusCode);
    }

    [Fact]
    public async Task Admin_tests_different_users_and_each_user_sees_only_their_own_session()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var (alice, aliceId) = await factory.CreateUserClientAsync();
        var (bob, bobId) = await factory.CreateUserClientAsync();

        var forAlice = await (await admin.PostAsJsonAsync(AdminGenerate, new { user_id = aliceId, identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).ReadAsAsync<ImageSessionResponse>();
        var aliceEdit = await (await admin.PostAsJsonAsync(AdminEdit, new { user_id = aliceId, edit_prompt = "rotate 180" })).ReadAsAsync<ImageSessionResponse>();
        Assert.True(aliceEdit.HasActiveSession);

        // Alice sees the session the admin made for her; Bob has none, and editing gives him the plan's 400.
        var aliceStatus = await alice.GetAsAsync<ImageSessionResponse>(Status);
        Assert.Equal(aliceEdit.VersionId, aliceStatus.VersionId);
        Assert.False((await bob.GetAsAsync<ImageSessionResponse>(Status)).HasActiveSession);
        await (await bob.PostAsJsonAsync(Edit, new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "No active image session. Please generate an image first.");
        var adminOnBob = await admin.GetAsAsync<ImageSessionResponse>($"/api/v1/admin/users/{bobId}/image-session/");
        Assert.False(adminOnBob.HasActiveSession);

        // Bob cannot fetch Alice's versions by id.
        var versionId = forAlice.VersionId;
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/identities/image-session/versions/{versionId}/image/")).StatusCode);
        await (await bob.PostAsJsonAsync("/api/v1/identities/image-session/select/", new { version_id = versionId }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "No active image session. Please generate an image first.");

        // Alice's own edits continue her session.
        var aliceOwn = await alice.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        Assert.Equal(HttpStatusCode.OK, aliceOwn.StatusCode);
    }

    [Fact]
    public async Task Responses_use_the_plans_snake_case_field_names()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var body = await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).Content.ReadAsStringAsync();
        var root = JsonDocument.Parse(body).RootElement;
        foreach (var field in new[] { "image_base64", "has_active_session", "session_identity_id", "version_id", "can_undo", "can_redo", "references_changed", "expires_at" })
            Assert.True(root.TryGetProperty(field, out _), $"missing {field} in {body.Shorten(300)}");
        Assert.EndsWith("Z", root.GetProperty("expires_at").GetString());
    }
}
