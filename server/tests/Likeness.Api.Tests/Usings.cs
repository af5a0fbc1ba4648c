global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Likeness.Api.Tests.Infrastructure;
// The app's answers are read as its own records (ImageSessionResponse, IdentityResponse, ManagedUserResponse, …).
global using Likeness.Api.Identities;
global using Likeness.Api.ImageGeneration;
global using Likeness.Api.Users;
// What most test classes use: the engines' types, the app's services, test images and their hashes.
global using Likeness.Api.Providers;
global using Microsoft.Extensions.DependencyInjection;
global using SkiaSharp;
global using System.Net.Http.Headers;
global using System.Security.Cryptography;
// The API paths, written once (ApiPaths).
global using static Likeness.Api.Tests.Infrastructure.ApiPaths;
