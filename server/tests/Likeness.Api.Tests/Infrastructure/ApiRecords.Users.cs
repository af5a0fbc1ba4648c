namespace Likeness.Api.Tests.Infrastructure;

// Test-side shapes of the users' answers that have no production record of the app's own: only the fields tests read.

/// <summary>
/// What POST auth/login (bearer) and auth/refresh answer: ASP.NET Core Identity's AccessTokenResponse on the wire.
/// Not that class itself: its token_type has no setter, so a test could not read what the server wrote.
/// </summary>
public sealed record BearerTokens(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);
