using System.Text.Json;
using System.Text.Json.Serialization;
using Likeness.Api;
using Likeness.Api.Data;
using Likeness.Api.Identities;
using Likeness.Api.ImageGeneration;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Likeness.Api.Providers.Local;
using Likeness.Api.Security;
using Likeness.Api.Storage;
using Likeness.Api.Users;
using Microsoft.AspNetCore.Identity;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Serve on http://127.0.0.1:5080 unless --urls or ASPNETCORE_URLS says otherwise
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

// Configure options and the clock
builder.Services.AddOptions<LikenessOptions>().BindConfiguration(LikenessOptions.SectionName).ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);

// Configure the database (SQLite by default, PostgreSQL by configuration)
builder.Services.AddLikenessDatabase(builder.Configuration);

// Configure users, sign-in (cookie for the browser, bearer token for API clients) and the Admin policy
builder.Services.AddIdentityApiEndpoints<User>(o =>
    {
        o.User.RequireUniqueEmail = true;
    })
    .AddRoles<IdentityRole<Guid>>()
    .AddEntityFrameworkStores<LikenessDbContext>();
builder.Services.ConfigureApplicationCookie(o =>
{
    o.Cookie.Name = "likeness";
    o.Cookie.SameSite = SameSiteMode.Lax;
    o.Events.OnRedirectToLogin = context => { context.Response.StatusCode = 401; return Task.CompletedTask; };
    o.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = 403; return Task.CompletedTask; };
});
builder.AddLikenessSecurity();
builder.Services.AddScoped<UserAdministration>();
builder.Services.AddAuthorizationBuilder().AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));

// Configure images: the store, the provider, sessions and their jobs
builder.Services.AddImageStore(builder.Configuration);
builder.Services.AddImageProvider(builder.Configuration);
builder.Services.AddIdentities();
builder.Services.AddImageGeneration();

// Configure JSON (snake_case, as the plan's fields are), errors as problem details, and OpenAPI
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
});
builder.Services.AddProblemDetails();
// A body that does not bind (malformed JSON) throws, so ProblemExceptionHandler answers it with a message.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi();

// Compress JSON (Brotli or gzip, as the client accepts); images are compressed already, event streams must not wait
builder.Services.AddResponseCompression(o =>
{
    o.EnableForHttps = true;
    o.MimeTypes = ["application/json", "application/problem+json", "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"];
});
builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);

var app = builder.Build();

// `dotnet Likeness.Api.dll migrate` applies migrations and creates the bootstrap admin, then exits
GeneratedAdmin? generatedAdmin = null;
if (args.Contains("migrate") || app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LikenessOptions>>().Value.MigrateOnStartup)
    generatedAdmin = await Startup.MigrateAndSeedAsync(app.Services, app.Configuration);
if (args.Contains("migrate"))
{
    if (generatedAdmin is not null)
        Console.Write(BootstrapAdmin.Notice(generatedAdmin, []));
    return;
}
// A generated admin password is printed last, after the server says where it listens
if (generatedAdmin is not null)
    BootstrapAdmin.PrintWhenStarted(generatedAdmin, app.Lifetime, () => app.Urls);

// `dotnet Likeness.Api.dll reset-admin-password` sets a new password for the bootstrap admin, prints it, then exits
if (args.Contains("reset-admin-password"))
{
    await Startup.MigrateAndResetAdminPasswordAsync(app.Services, app.Configuration);
    return;
}

app.UseResponseCompression();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseLikenessSecurityHeaders();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseLikenessRequestGuards();
app.UseAuthorization();

// Configure the APIs
app.MapOpenApi();
app.MapScalarApiReference();
app.MapAuth();
var admin = app.MapGroup("/api/v1/admin").RequireAuthorization(Roles.Admin);
admin.MapUsers();
admin.MapAdminIdentities();
admin.MapAdminImageGeneration();
admin.MapAdminUsage();
app.MapImageOptions();
var identities = app.MapGroup("/api/v1/identities").RequireAuthorization();
identities.MapUserIdentities();
identities.MapUserImageGeneration();
app.MapGroup("/api/v1/local-engine").RequireAuthorization().MapLocalEngine();

// Unknown API paths are 404 problems (405/415 when the path exists); every other path is the single-page app
app.MapFallback("/api/{**path}", ApiFallback.Answer);
app.MapFallbackToFile("index.html");

app.Run();

public partial class Program;
