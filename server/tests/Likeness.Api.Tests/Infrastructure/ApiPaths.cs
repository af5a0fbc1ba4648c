namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// The API paths tests call, written once, as the plan names them (a global <c>using static</c> makes them plain
/// names in every test class).
/// </summary>
public static class ApiPaths
{
    /// <summary>The plan's generate and edit for the signed-in user.</summary>
    public const string Generate = "/api/v1/identities/generate-image/";

    public const string Edit = "/api/v1/identities/edit-image/";

    /// <summary>The plan's generate and edit on behalf of a user (<c>user_id</c> in the body).</summary>
    public const string AdminGenerate = "/api/v1/admin/identities/generate-image/";

    public const string AdminEdit = "/api/v1/admin/identities/edit-image/";

    /// <summary>The signed-in user's session, without the trailing slash: its parts are appended (<c>{Session}/history/</c>).</summary>
    public const string Session = "/api/v1/identities/image-session";

    /// <summary>The session's status (GET), and the prefix of undo/, redo/, select/ …</summary>
    public const string Status = Session + "/";

    public const string AdminIdentities = "/api/v1/admin/identities/";
}
