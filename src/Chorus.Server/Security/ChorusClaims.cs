namespace Chorus.Server.Security;

/// <summary>The claim names Chorus reads from a token. Identity providers and other tools mint these exact names,
/// so no other spelling is accepted.</summary>
public static class ChorusClaims
{
    /// <summary>Who the caller is; recorded as <c>updated_by</c> and in logs.</summary>
    public const string Subject = "sub";

    /// <summary>The caller's tenant (a string), also its default when several are allowed.</summary>
    public const string TenantId = "tenant_id";

    /// <summary>Every tenant the caller may act for (a list).</summary>
    public const string Tenants = "tenants";

    /// <summary>One role name: admin, member or viewer.</summary>
    public const string Role = "role";

    /// <summary>Several role names; the caller has the highest one Chorus knows.</summary>
    public const string Roles = "roles";
}
