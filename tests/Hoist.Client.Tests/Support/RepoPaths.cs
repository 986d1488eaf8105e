using System.Reflection;

namespace Hoist.Client.Tests.Support;

/// <summary>The built server and CLI next to these tests (same configuration), found from the repository root.</summary>
public static class RepoPaths
{
    private static readonly string Configuration =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Root { get; } = FindRoot();

    public static string ServerDll => Built("src/Hoist.Server", "Hoist.Server.dll");

    public static string CliDll => Built("src/Hoist.Cli", "hoist.dll");

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built: build the solution first.", path);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Hoist.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Hoist.slnx above {AppContext.BaseDirectory}.");
    }
}
