using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Providers.Local;

/// <summary>The vocabulary endpoint, the short 422 and "undo"/"redo" typed as an edit (issue 11, findings 4 and 5).</summary>
public sealed class LocalEngineApiTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private async Task<HttpClient> StartAsync()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var generated = await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, resolution = "1K", aspect_ratio = "3:2" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        return client;
    }

    [Fact]
    public async Task The_vocabulary_is_served_from_the_parsers_own_list_to_any_signed_in_user()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        var body = await client.GetAsAsync<LocalEngineInstructionsResponse>("/api/v1/local-engine/instructions/");
        var instructions = body.Instructions;
        Assert.Equal(LocalEditInstructions.Vocabulary.Count, instructions.Count);
        for (var i = 0; i < instructions.Count; i++)
        {
            Assert.Equal(LocalEditInstructions.Vocabulary[i].Name, instructions[i].Name);
            Assert.Equal(LocalEditInstructions.Vocabulary[i].Description, instructions[i].Description);
            Assert.Equal(LocalEditInstructions.Vocabulary[i].Examples, instructions[i].Examples);
        }
        Assert.Contains("undo that", body.VersionCommands);

        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/local-engine/instructions/")).StatusCode);
    }

    [Fact]
    public async Task A_refused_instruction_is_a_short_422_with_close_instructions()
    {
        var client = await StartAsync();
        var detail = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "make the jacket red" }))
            .AssertProblemContainsAsync(HttpStatusCode.UnprocessableEntity, "Could not understand \"make the jacket red\". Try ");
        Assert.True(detail.Length < 160, detail);
        Assert.DoesNotContain("docs/", detail);
    }

    [Theory]
    [InlineData("undo", "redo")]
    [InlineData("Undo that", "redo it")]
    [InlineData("go back", "Redo.")]
    public async Task Undo_and_redo_typed_as_an_edit_move_the_version(string undo, string redo)
    {
        var client = await StartAsync();
        var root = (await client.GetAsAsync<ImageSessionResponse>($"{Session}/")).VersionId!.Value;
        var edit = await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        var edited = await edit.ReadAsAsync<ImageSessionResponse>();

        var undone = await client.PostAsJsonAsync(Edit, new { edit_prompt = undo });
        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        var undoneBody = await undone.ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(root, undoneBody.VersionId);
        Assert.True(undoneBody.CanRedo);
        Assert.Equal(Convert.ToBase64String(await client.GetByteArrayAsync(undoneBody.ImageUrl)), undoneBody.ImageBase64);

        // The jobs route answers the move at once too (nothing to wait for).
        var redone = await client.PostAsJsonAsync($"{Session}/jobs/", new { kind = "edit", edit_prompt = redo });
        Assert.True(redone.StatusCode == HttpStatusCode.OK, await redone.Content.ReadAsStringAsync());
        Assert.Equal(edited.VersionId, (await redone.ReadAsAsync<ImageSessionResponse>()).VersionId);

        Assert.Equal(2, (await client.SessionVersionsAsync()).Count); // no version was drawn for the words

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "redo" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Nothing to redo.");
    }

    [Theory]
    [InlineData("undo", VersionCommand.Undo)]
    [InlineData("  please undo the last edit! ", VersionCommand.Undo)]
    [InlineData("GO BACK", VersionCommand.Undo)]
    [InlineData("redo that", VersionCommand.Redo)]
    [InlineData("undo the blur, then sepia", VersionCommand.None)]
    [InlineData("go back to sepia", VersionCommand.None)]
    [InlineData("sepia", VersionCommand.None)]
    public void Version_commands_are_whole_prompts(string prompt, VersionCommand expected)
    {
        Assert.Equal(expected, ImagePrompts.AsVersionCommand(prompt));
    }
}
