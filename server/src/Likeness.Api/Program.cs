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

// Configure users, sign-in (cookie for the browser, bearer token for API clients), the Admin policy, and security
builder.Services.AddUsers();
builder.AddLikenessSecurity();

// Configure images: the store, the provider, identities, and sessions with their jobs
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
builder.Services.AddApiProblems();
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

// `migrate` and `reset-admin-password` run and exit; otherwise migrations run first unless configured off
if (await Startup.RunCommandOrMigrateAsync(app, args))
    return;

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
