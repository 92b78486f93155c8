namespace Chorus.EndToEnd.Tests;

/// <summary>The checkout the tests were built from, for the files they hold to what the repository says.</summary>
internal static class Repository
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
                return dir.FullName;
        Assert.Fail("Chorus.slnx was not found above " + AppContext.BaseDirectory);
        return "";
    }

    public static string File(params string[] parts) => Path.Combine([Root(), .. parts]);
}
