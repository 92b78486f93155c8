using System.Globalization;
using System.Reflection;

namespace Chorus.Engine.Storage;

/// <summary>A store's schema changes: forward-only SQL files named <c>NNN_what.sql</c>, embedded in the store's
/// assembly under Migrations/, applied in number order.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public static IReadOnlyList<Migration> EmbeddedIn(Assembly assembly) => assembly.GetManifestResourceNames()
        .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
        .Select(n =>
        {
            var file = n.Split('.')[^2];
            // A folder or file name starting with a digit gets a '_' prefix in the resource name.
            var version = int.Parse(file.Split('_', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(n)!;
            using var reader = new StreamReader(stream);
            return new Migration(version, file, reader.ReadToEnd());
        })
        .OrderBy(m => m.Version)
        .ToList();
}
