using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Security;

/// <summary>A key file that exists but cannot be used (a directory, text that is not a base64 key, too short a
/// key) stops the server at start with a configuration error naming the variable, which RunAsync prints as one
/// line and exit code 2, not as an unhandled exception with a stack trace.</summary>
public sealed class KeyFileStartupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"chorus-badkey-{Guid.NewGuid():N}");

    public KeyFileStartupTests() => Directory.CreateDirectory(_directory);

    public static TheoryData<string> BadKeys => new()
    {
        "directory",
        "not a base64 key!",
        Convert.ToBase64String(new byte[16]),
        "",
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task UnusableSecretsKeyFile_StopsTheStart_WithCHORUS_SECRETS_KEY_FILE(string content)
    {
        var path = BadKeyFile("secrets.key", content);
        var options = Options() with { SecretsKeyFile = path };

        var refusal = await Assert.ThrowsAsync<OptionsException>(() => ChorusServer.BuildAsync(["--urls", "http://127.0.0.1:0"], options));

        Assert.StartsWith("CHORUS_SECRETS_KEY_FILE:", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(path, refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task UnusableSigningKeyFile_StopsTheStart_WithCHORUS_KEY_FILE(string content)
    {
        var path = BadKeyFile("signing.key", content);
        var options = Options() with { Auth = new AuthSettings { KeyFile = path } };

        var refusal = await Assert.ThrowsAsync<OptionsException>(() => ChorusServer.BuildAsync(["--urls", "http://127.0.0.1:0"], options));

        Assert.StartsWith("CHORUS_KEY_FILE:", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(path, refusal.Message, StringComparison.Ordinal);
    }

    private string BadKeyFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        if (content == "directory")
            Directory.CreateDirectory(path);
        else
            File.WriteAllText(path, content);
        return path;
    }

    private ServerOptions Options() => new()
    {
        DatabasePath = Path.Combine(_directory, "chorus.db"),
        FullSync = false,
        Auth = new AuthSettings { JwtSecret = TestTokens.Secret },
    };

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the OS temp cleanup.
        }
    }
}
