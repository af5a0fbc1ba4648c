using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// Several images per turn (<c>variants</c>) with the Local engine: sibling versions, a <c>variant</c> event for each,
/// the first current, picking another, one failed variant among three, and the 400 for a count out of range.
/// </summary>
public sealed class VariantTests
{
    private static async Task<string> ShaOfAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Convert.ToHexString(SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Three_variants_of_a_generate_are_three_different_root_versions_and_the_first_is_current()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 3);

        var response = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", variants = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var generated = await response.ReadAsAsync<ImageSessionResponse>();
        var versions = await client.SessionVersionsAsync();
        Assert.Equal(3, versions.Count);
        Assert.All(versions, v => Assert.Null(v.ParentId));
        Assert.Equal([true, false, false], versions.Select(v => v.IsCurrent));
        Assert.Equal(versions[0].Id, generated.VersionId);
        // The plan's answer carries the current (first) variant's image.
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(generated.ImageBase64!))),
            await ShaOfAsync(client, versions[0].ImageUrl!));
        // The Local engine lays each variant out differently.
        var images = new List<string>();
        foreach (var v in versions)
            images.Add(await ShaOfAsync(client, v.ImageUrl!));
        Assert.Equal(3, images.Distinct().Count());
        Assert.False(generated.CanUndo);
    }

    [Fact]
    public async Task Three_variants_of_an_edit_are_siblings_each_reported_by_an_event_and_saved_together()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, generated) = await factory.StartSessionAsync(aspectRatio: "1:1");
        var parentId = generated.VersionId;

        var response = await client.PostAsJobAsync(Edit, new { edit_prompt = "make it brighter", variants = 3 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.ReadAsAsync<ImageJobResponse>();
        Assert.Equal(3, job.Variants);
        var events = await client.ReadEventsAsync(job.EventsUrl);

        var variantEvents = events.Where(e => e.Name == "variant").ToList();
        AssertCarriesEveryVariantField(variantEvents);
        var variants = variantEvents.Select(e => e.DataAs<VariantEvent>()).OrderBy(v => v.Index).ToList();
        Assert.Equal([0, 1, 2], variants.Select(v => v.Index));
        Assert.All(variants, v =>
        {
            Assert.Equal(3, v.Variants);
            Assert.Null(v.Error);
            Assert.Equal(1024, v.Width);
        });
        var succeeded = Assert.Single(events, e => e.Name == "succeeded").DataAs<SucceededEvent>();
        Assert.True(events.FindIndex(e => e.Name == "succeeded") > events.FindLastIndex(e => e.Name == "variant"));
        var variantIds = variants.Select(v => v.VersionId!.Value).ToList();
        Assert.Equal(variantIds, succeeded.VersionIds);
        Assert.Equal(variantIds[0], succeeded.VersionId);

        // Each variant's image URL (served from the job) is the image its version keeps.
        var versions = await client.SessionVersionsAsync();
        Assert.Equal(4, versions.Count);
        var siblings = versions.Skip(1).ToList();
        Assert.Equal(variantIds, siblings.Select(v => v.Id));
        // Saved together, yet never at the same instant: the history's order by creation time is the variants' order
        // on both databases (PostgreSQL keeps microseconds; two siblings in one microsecond would tie there).
        Assert.All(siblings.Zip(siblings.Skip(1)), pair => Assert.True(pair.First.CreatedAt < pair.Second.CreatedAt,
            $"{pair.First.CreatedAt:O} is not before {pair.Second.CreatedAt:O}"));
        Assert.All(siblings, v => Assert.Equal(parentId, v.ParentId));
        Assert.Equal([false, true, false, false], versions.Select(v => v.IsCurrent));
        for (var i = 0; i < 3; i++)
            Assert.Equal(await ShaOfAsync(client, siblings[i].ImageUrl!),
                await ShaOfAsync(client, variants[i].ImageUrl!));

        // "Brighter" at three strengths: variant 2 (1.5×) is brighter than the first (1×), which is brighter than variant 1 (0.6×).
        var brightness = new List<double>();
        foreach (var v in siblings)
        {
            using var image = TestImages.Decode(await client.GetByteArrayAsync(v.ImageUrl!));
            brightness.Add(MeanLuma(image));
        }
        Assert.True(brightness[2] > brightness[0] && brightness[0] > brightness[1], string.Join(", ", brightness));
    }

    [Fact]
    public async Task Picking_a_variant_makes_it_current_and_redo_after_undo_comes_back_to_the_pick()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, generated) = await factory.StartSessionAsync(aspectRatio: "1:1");
        var parentId = generated.VersionId;
        var edited = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "add a red border", variants = 3 })).ReadAsAsync<ImageSessionResponse>();
        var siblings = (await client.SessionVersionsAsync()).Skip(1).Select(v => v.Id).ToList();
        Assert.Equal(siblings[0], edited.VersionId);

        var picked = await (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = siblings[1] })).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(siblings[1], picked.VersionId);
        var undone = await (await client.PostAsync($"{Session}/undo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(parentId, undone.VersionId);
        var redone = await (await client.PostAsync($"{Session}/redo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(siblings[1], redone.VersionId);

        // The next edit goes on from the pick.
        var next = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "make it darker" })).ReadAsAsync<ImageSessionResponse>();
        var last = (await client.SessionVersionsAsync()).Single(v => v.Id == next.VersionId);
        Assert.Equal(siblings[1], last.ParentId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public async Task A_variant_count_out_of_range_is_a_400_that_names_it_and_makes_no_job(int variants)
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, _) = await factory.StartSessionAsync(aspectRatio: "1:1");

        var generate = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", variants });
        var edit = await client.PostAsJsonAsync(Edit, new { edit_prompt = "make it brighter", variants });
        var job = await client.PostAsJsonAsync($"{Session}/jobs/", new { kind = "edit", edit_prompt = "make it brighter", variants });

        foreach (var response in new[] { generate, edit, job })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("variants must be between 1 and 4.", (await response.ValidationErrorsAsync())["variants"][0]);
        }
        var jobs = await client.GetAsAsync<List<ImageJobResponse>>($"{Session}/jobs/");
        Assert.Single(jobs); // only the generate that started the session
        Assert.Single(await client.SessionVersionsAsync());
    }

    [Fact]
    public async Task One_failed_variant_among_three_leaves_two_versions_and_an_event_that_says_why()
    {
        var engine = new FailingVariantProvider(new Likeness.Api.Providers.Local.LocalImageProvider()) { FailingVariants = [1] };
        await using var factory = LikenessApiFactory.With(null, services =>
        {
            services.RemoveAll<IImageProvider>();
            services.AddSingleton<IImageProvider>(engine);
        });
        var (client, _, generated) = await factory.StartSessionAsync(aspectRatio: "1:1");

        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "make it warmer", variants = 3 })).ReadAsAsync<ImageJobResponse>();
        var events = await client.ReadEventsAsync(job.EventsUrl);

        var variantEvents = events.Where(e => e.Name == "variant").ToList();
        AssertCarriesEveryVariantField(variantEvents); // a failed one too: its nulls are there
        var failed = Assert.Single(variantEvents.Select(e => e.DataAs<VariantEvent>()), v => v.Error is not null);
        Assert.Equal(1, failed.Index);
        Assert.Equal(422, failed.Error!.Status);
        Assert.Equal(FailingVariantProvider.Refusal, failed.Error.Detail);
        Assert.Null(failed.VersionId);
        Assert.Null(failed.ImageUrl);
        var succeeded = Assert.Single(events, e => e.Name == "succeeded").DataAs<SucceededEvent>();
        Assert.Equal(2, succeeded.VersionIds.Count);
        var versions = await client.SessionVersionsAsync();
        Assert.Equal(3, versions.Count);
        Assert.All(versions.Skip(1), v => Assert.Equal(generated.VersionId, v.ParentId));
        var jobNow = await client.GetAsAsync<ImageJobResponse>(job.EventsUrl.Replace("events/", ""));
        Assert.Equal(ImageJobStatus.Succeeded, jobNow.Status);
    }

    [Fact]
    public async Task When_every_variant_fails_the_edit_fails_as_one_would_and_the_session_is_unchanged()
    {
        var engine = new FailingVariantProvider(new Likeness.Api.Providers.Local.LocalImageProvider()) { FailingVariants = [0, 1] };
        await using var factory = LikenessApiFactory.With(null, services =>
        {
            services.RemoveAll<IImageProvider>();
            services.AddSingleton<IImageProvider>(engine);
        });
        var (client, _, generated) = await factory.StartSessionAsync(aspectRatio: "1:1");
        var before = await client.GetStringAsync($"{Session}/");

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "make it warmer", variants = 2 });

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, FailingVariantProvider.Refusal);
        Assert.Equal(before, await client.GetStringAsync($"{Session}/"));
        Assert.Single(await client.SessionVersionsAsync());
        Assert.Equal(2, engine.Calls);
    }

    [Fact]
    public async Task Region_edit_variants_each_keep_every_pixel_outside_the_mask_and_share_it()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, generated) = await factory.StartSessionAsync(aspectRatio: "1:1");
        using var before = TestImages.Decode(generated.ImageBase64!);
        var rect = new SKRectI(200, 200, 600, 600);

        var edited = await client.PostAsJsonAsync(Edit, new
        {
            edit_prompt = "black and white",
            mask_png_base64 = RegionEditTests.MaskPng(before.Width, before.Height, rect),
            variants = 2,
        });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);

        var siblings = (await client.SessionVersionsAsync()).Skip(1).ToList();
        Assert.Equal(2, siblings.Count);
        Assert.Equal(await ShaOfAsync(client, siblings[0].MaskUrl!),
            await ShaOfAsync(client, siblings[1].MaskUrl!));
        using var first = TestImages.Decode(await client.GetByteArrayAsync(siblings[0].ImageUrl!));
        using var second = TestImages.Decode(await client.GetByteArrayAsync(siblings[1].ImageUrl!));
        // Inside: fully grey in the first, partly (60 %) in the second; outside the feather: the previous image.
        var centre = second.GetPixel(400, 400);
        Assert.True(first.GetPixel(400, 400) is var grey && grey.Red == grey.Green && grey.Green == grey.Blue);
        Assert.NotEqual(first.GetPixel(400, 400), centre);
        for (var y = 0; y < before.Height; y += 3)
            for (var x = 0; x < before.Width; x += 3)
                if (RegionEditTests.BeyondFeather(rect, x, y, margin: 6))
                {
                    Assert.Equal(before.GetPixel(x, y), first.GetPixel(x, y));
                    Assert.Equal(before.GetPixel(x, y), second.GetPixel(x, y));
                }
    }

    /// <summary>The wire shape docs/API.md gives: a variant event carries every field, nulls included (a record cannot tell absent from null).</summary>
    private static void AssertCarriesEveryVariantField(List<ServerSentEvents.Event> variantEvents)
    {
        Assert.NotEmpty(variantEvents);
        Assert.All(variantEvents, e => Assert.All(VariantEvent.Fields, name => Assert.True(e.Data.TryGetProperty(name, out _), $"variant event {e.Id} has no {name}: {e.Data}")));
    }

    private static double MeanLuma(SKBitmap image)

    {
        double sum = 0;
        var count = 0;
        for (var y = 0; y < image.Height; y += 8)
            for (var x = 0; x < image.Width; x += 8)
            {
                var p = image.GetPixel(x, y);
                sum += 0.299 * p.Red + 0.587 * p.Green + 0.114 * p.Blue;
                count++;
            }
        return sum / count;
    }
}

/// <summary>The Local engine, refusing the turn's variants listed in <see cref="FailingVariants"/> (edits only).</summary>
public sealed class FailingVariantProvider(IImageProvider inner) : IImageProvider
{
    public const string Refusal = "The image model declined this variant.";

    public int[] FailingVariants { get; init; } = [];

    public int Calls;

    public string Name => inner.Name;

    public bool EditsUseReferenceImages => inner.EditsUseReferenceImages;

    public int MaxParallelVariants => inner.MaxParallelVariants;

    public Task<ProviderImage> GenerateImage(string prompt, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution,
        CancellationToken cancellationToken = default, IImageProgress? progress = null) =>
        inner.GenerateImage(prompt, referenceImages, aspectRatio, resolution, cancellationToken, progress);

    public Task<ProviderImage> EditImage(string editPrompt, ProviderImage previousImage, IReadOnlyList<ProviderImage> referenceImages,
        string aspectRatio, string resolution, CancellationToken cancellationToken = default, IImageProgress? progress = null) =>
        inner.EditImage(editPrompt, previousImage, referenceImages, aspectRatio, resolution, cancellationToken, progress);

    public Task<ImageResult> MakeImage(ImageRequest request, CancellationToken cancellationToken = default, IImageProgress? progress = null)
    {
        if (request.PreviousImage is null)
            return inner.MakeImage(request, cancellationToken, progress);
        Interlocked.Increment(ref Calls);
        return FailingVariants.Contains(request.Variant)
            ? Task.FromException<ImageResult>(new ImageRequestDeclinedException(Refusal))
            : inner.MakeImage(request, cancellationToken, progress);
    }
}
