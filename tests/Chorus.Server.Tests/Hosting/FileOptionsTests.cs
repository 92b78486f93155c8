using Chorus.Server.Files;
using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

/// <summary>FILES_MAX_BYTES, FILES_DIR and PAYLOAD_OFFLOAD_BYTES: defaults, values read, and malformed values that stop
/// the server with a line naming the variable.</summary>
public sealed class FileOptionsTests
{
    private static FileSettings From(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value);
        return ServerOptions.FromEnvironment(name => map.GetValueOrDefault(name)).Files;
    }

    [Fact]
    public void Defaults_25MiBFiles_InTheDatabase_OffloadFrom256KiB() =>
        Assert.Equal((25L * 1024 * 1024, null, 256 * 1024), (From().MaxBytes, From().Directory, From().OffloadBytes));

    [Fact]
    public void Variables_AreRead_TheDirectoryMadeAbsolute()
    {
        var files = From(("FILES_MAX_BYTES", "4096"), ("FILES_DIR", "data/files"), ("PAYLOAD_OFFLOAD_BYTES", "0"));

        Assert.Equal((4096L, Path.GetFullPath("data/files"), 0), (files.MaxBytes, files.Directory, files.OffloadBytes));
    }

    [Theory]
    [InlineData("FILES_MAX_BYTES", "10")]
    [InlineData("FILES_MAX_BYTES", "25MB")]
    [InlineData("FILES_MAX_BYTES", "2147483648")]
    [InlineData("PAYLOAD_OFFLOAD_BYTES", "-1")]
    [InlineData("PAYLOAD_OFFLOAD_BYTES", "lots")]
    public void MalformedValues_StopTheServer_NamingTheVariable(string name, string value)
    {
        var ex = Assert.Throws<OptionsException>(() => From((name, value)));

        Assert.StartsWith(name + ":", ex.Message, StringComparison.Ordinal);
    }
}
