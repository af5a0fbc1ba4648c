global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Likeness.Api.Tests.Infrastructure;
// The app's answers are read as its own records (ImageSessionResponse, IdentityResponse, ManagedUserResponse, …).
global using Likeness.Api.Identities;
global using Likeness.Api.ImageGeneration;
global using Likeness.Api.Users;
