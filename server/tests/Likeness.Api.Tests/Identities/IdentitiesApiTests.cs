namespace Likeness.Api.Tests.Identities;

/// <summary>Creating, reading, listing, renaming and deleting identities through the admin API.</summary>
public class IdentitiesApiTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string Identities = "/api/v1/admin/identities/";

    [Fact]
    public async Task Create_answers_201_with_location_and_snake_case_identity()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Identities, new { name = "  Grace Hopper  ", description = "Rear admiral" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadAsAsync<IdentityResponse>();
        var id = body.Id;
        Assert.NotEqual(Guid.Empty, id);
        Assert.Equal($"/api/v1/admin/identities/{id}/", response.Headers.Location?.OriginalString);
        Assert.Equal("Grace Hopper", body.Name);
        Assert.Equal("Rear admiral", body.Description);
        Assert.Empty(body.ReferenceImages);
        Assert.Equal(body.CreatedAt, body.UpdatedAt);
        Assert.True(Math.Abs((factory.Clock.GetUtcNow().UtcDateTime - body.CreatedAt).TotalMinutes) < 5);
        // The wire names themselves: raw JSON, since a typed read cannot see them.
        var wire = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Array, wire.GetProperty("reference_images").ValueKind);
        foreach (var property in wire.EnumerateObject())
            Assert.Equal(property.Name.ToLowerInvariant(), property.Name);

        // The Location answers with the same identity.
        var read = await admin.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(id, (await read.ReadAsAsync<IdentityResponse>()).Id);
    }

    [Fact]
    public async Task Create_without_description_stores_an_empty_one()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Identities, new { name = "No description" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("", (await response.ReadAsAsync<IdentityResponse>()).Description);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Create_requires_a_name(string? name)
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Identities, new { name, description = "x" });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Name is required.");
        Assert.Equal("Name is required.", (await response.ValidationErrorsAsync())["name"][0]);
    }

    [Fact]
    public async Task Create_refuses_a_name_longer_than_200_characters()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Identities, new { name = new string('x', 201) });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Name may be at most 200 characters.");
        Assert.True((await response.ValidationErrorsAsync()).ContainsKey("name"));
    }

    [Fact]
    public async Task Create_refuses_a_description_longer_than_4000_characters()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Identities, new { name = "Long", description = new string('x', 4001) });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Description may be at most 4000 characters.");
        Assert.True((await response.ValidationErrorsAsync()).ContainsKey("description"));
    }

    [Fact]
    public async Task A_nul_character_is_refused_with_a_400_not_a_database_error()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0, name: "Clean");

        var badName = await admin.PostAsJsonAsync(Identities, new { name = "Ada\u0000Lovelace" });
        var badDescription = await admin.PostAsJsonAsync(Identities, new { name = "Ada", description = "one\u0000two" });
        var badPatch = await admin.PatchAsJsonAsync($"{Identities}{id}/", new { name = "x\u0000" });

        await badName.AssertProblemAsync(HttpStatusCode.BadRequest, "Name may not contain control characters.");
        await badDescription.AssertProblemAsync(HttpStatusCode.BadRequest, "Description may not contain NUL characters.");
        await badPatch.AssertProblemAsync(HttpStatusCode.BadRequest, "Name may not contain control characters.");
    }

    [Fact]
    public async Task A_description_keeps_its_line_breaks()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(Identities, new { name = "Lines", description = "first line\nsecond\tline" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("first line\nsecond\tline", (await response.ReadAsAsync<IdentityResponse>()).Description);
    }

    [Fact]
    public async Task List_shows_every_identity_newest_first()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var first = await admin.CreateIdentityAsync(referenceCount: 0, name: "Older");
        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        var second = await admin.CreateIdentityAsync(referenceCount: 1, name: "Newer");

        var response = await admin.GetAsync(Identities);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.ReadAsAsync<List<IdentityResponse>>();
        var ids = list.Select(i => i.Id).ToList();
        Assert.Contains(first, ids);
        Assert.True(ids.IndexOf(second) < ids.IndexOf(first), "The newer identity must come first.");
        var newer = list.Single(i => i.Id == second);
        Assert.Equal("Newer", newer.Name);
        Assert.Single(newer.ReferenceImages);
        var dates = list.Select(i => i.CreatedAt).ToList();
        Assert.Equal(dates.OrderByDescending(d => d), dates);
    }

    [Fact]
    public async Task Signed_in_users_can_list_identities_too()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 1, name: "Visible to users");
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;

        var response = await user.GetAsync("/api/v1/identities/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var identity = (await response.ReadAsAsync<List<IdentityResponse>>()).Single(i => i.Id == id);
        Assert.Equal("Visible to users", identity.Name);
        Assert.Single(identity.ReferenceImages);
    }

    [Fact]
    public async Task Read_returns_the_identity_with_its_reference_images()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 2, name: "Ada");

        var response = await admin.GetAsync($"{Identities}{id}/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadAsAsync<IdentityResponse>();
        Assert.Equal(id, body.Id);
        Assert.Equal("Ada", body.Name);
        Assert.Equal("A test identity", body.Description);
        Assert.Equal([0, 1], body.ReferenceImages.Select(i => i.Order));
        Assert.All(body.ReferenceImages, i => Assert.Equal(id, i.IdentityId));
    }

    [Fact]
    public async Task Read_without_the_trailing_slash_answers_too()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{Identities}{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/admin/identities")).StatusCode);
    }

    [Fact]
    public async Task Patch_renames_and_redescribes()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 1, name: "Before");
        var created = (await admin.GetAsAsync<IdentityResponse>($"{Identities}{id}/")).CreatedAt;

        var renamed = await admin.PatchAsJsonAsync($"{Identities}{id}/", new { name = "After" });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var body = await renamed.ReadAsAsync<IdentityResponse>();
        Assert.Equal("After", body.Name);
        Assert.Equal("A test identity", body.Description);
        Assert.Single(body.ReferenceImages);
        Assert.True(body.UpdatedAt >= created);

        var redescribed = await admin.PatchAsJsonAsync($"{Identities}{id}/", new { description = "New words" });

        Assert.Equal(HttpStatusCode.OK, redescribed.StatusCode);
        body = await redescribed.ReadAsAsync<IdentityResponse>();
        Assert.Equal("After", body.Name);
        Assert.Equal("New words", body.Description);

        var read = await admin.GetAsAsync<IdentityResponse>($"{Identities}{id}/");
        Assert.Equal("After", read.Name);
        Assert.Equal("New words", read.Description);
        Assert.Equal(created, read.CreatedAt);
    }

    [Fact]
    public async Task Patch_moves_updated_at()
    {
        await using var fresh = new LikenessApiFactory();
        using var admin = await fresh.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var before = (await admin.GetAsAsync<IdentityResponse>($"{Identities}{id}/")).UpdatedAt;
        fresh.Clock.Advance(TimeSpan.FromMinutes(3));

        var body = await (await admin.PatchAsJsonAsync($"{Identities}{id}/", new { description = "later" })).ReadAsAsync<IdentityResponse>();

        Assert.True(body.UpdatedAt - before >= TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task Patch_cannot_blank_the_name()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0, name: "Keeps its name");

        var response = await admin.PatchAsJsonAsync($"{Identities}{id}/", new { name = " " });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Name is required.");
        Assert.True((await response.ValidationErrorsAsync()).ContainsKey("name"));
        Assert.Equal("Keeps its name", (await admin.GetAsAsync<IdentityResponse>($"{Identities}{id}/")).Name);
    }

    [Fact]
    public async Task Delete_answers_204_and_the_identity_is_gone()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 1);

        var response = await admin.DeleteAsync($"{Identities}{id}/");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await admin.GetAsync($"{Identities}{id}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
        var list = await admin.GetAsAsync<List<IdentityResponse>>(Identities);
        Assert.DoesNotContain(list, i => i.Id == id);
        await (await admin.DeleteAsync($"{Identities}{id}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
    }

    [Fact]
    public async Task Unknown_identity_is_404_everywhere()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = Guid.NewGuid();

        await (await admin.GetAsync($"{Identities}{id}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
        await (await admin.PatchAsJsonAsync($"{Identities}{id}/", new { name = "x" })).AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
        await (await admin.DeleteAsync($"{Identities}{id}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
        await (await admin.GetAsync($"{Identities}{id}/reference-images/")).AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
        await (await admin.UploadReferenceImagesAsync(id, [("a.png", ImageFiles.UniquePng(), "image/png")]))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
    }

    [Fact]
    public async Task An_id_that_is_not_a_uuid_is_not_an_identity()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.GetAsync($"{Identities}not-a-uuid/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
