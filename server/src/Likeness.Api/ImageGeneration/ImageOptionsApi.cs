using Likeness.Api.Data;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.ImageGeneration;

/// <summary><c>GET /api/v1/image-options</c>: the models, sizes and edit modes a user may choose.</summary>
public sealed record ImageOptionsResponse(IReadOnlyList<ImageModelInfo> Models, IReadOnlyList<string> EditModes, string DefaultEditMode);

/// <summary>One user's usage on one UTC day.</summary>
public sealed record UsageDayResponse(string Date, Guid UserId, string? Email, int Images, long TotalTokens, decimal? EstimatedCostUsd);

public sealed record UsageResponse(IReadOnlyList<UsageDayResponse> Days);

public static class ImageOptionsApi
{
    /// <summary>For any signed-in user.</summary>
    public static IEndpointRouteBuilder MapImageOptions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/image-options/", (IImageModelCatalog catalog) =>
                TypedResults.Ok(new ImageOptionsResponse(catalog.Models, catalog.EditModes, catalog.DefaultEditMode)))
            .RequireAuthorization().WithTags("Image generation")
            .WithSummary("The image models (with their aspect ratios, sizes, input image limit and prices) and edit modes");
        return app;
    }

    /// <summary><c>GET /api/v1/admin/usage/?days=30</c>: images, tokens and estimated cost per user per day, newest first.</summary>
    public static RouteGroupBuilder MapAdminUsage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/usage/", Usage).WithTags("Usage (admin)")
            .WithSummary("Images, tokens and estimated cost per user per UTC day (only days with usage), newest first")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return admin;
    }

    private static async Task<Ok<UsageResponse>> Usage(LikenessDbContext db, TimeProvider time, [FromQuery] string? days, CancellationToken ct)
    {
        var count = 30;
        if (!string.IsNullOrWhiteSpace(days) && (!int.TryParse(days, out count) || count is < 1 or > 366))
            throw ApiProblem.Invalid("days", "days must be a whole number from 1 to 366.");
        var since = time.GetUtcNow().UtcDateTime.Date.AddDays(1 - count);
        var rows = await db.ImageUsage.AsNoTracking().Where(u => u.CreatedAt >= since).ToListAsync(ct);
        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var result = rows
            .GroupBy(r => (Day: r.CreatedAt.Date, r.UserId))
            .OrderByDescending(g => g.Key.Day).ThenBy(g => emails.GetValueOrDefault(g.Key.UserId), StringComparer.Ordinal)
            .Select(g => new UsageDayResponse(
                g.Key.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), g.Key.UserId,
                emails.GetValueOrDefault(g.Key.UserId), g.Sum(r => r.Images), g.Sum(r => (long)r.TotalTokens),
                g.Any(r => r.EstimatedCostUsd is not null) ? g.Sum(r => r.EstimatedCostUsd ?? 0m) : null))
            .ToList();
        return TypedResults.Ok(new UsageResponse(result));
    }
}
