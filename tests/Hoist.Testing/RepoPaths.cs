using System.Reflection;

namespace Hoist.Testing;

/// <summary>The repository root (the folder of Hoist.slnx) and the built server and CLI, of the configuration the tests were built in.</summary>
public static class RepoPaths
{
    public static string Configuration { get; } =
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
