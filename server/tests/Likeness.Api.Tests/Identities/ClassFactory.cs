namespace Likeness.Api.Tests;

/// <summary>
/// The app shared by the tests of one class. xunit's class fixtures need a single public constructor,
/// and <see cref="LikenessApiFactory"/> has two (the second takes settings), so the fixture is this subclass.
/// </summary>
public sealed class ClassFactory : LikenessApiFactory;
