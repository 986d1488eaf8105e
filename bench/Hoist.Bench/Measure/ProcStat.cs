using System.Globalization;

namespace Hoist.Bench.Measure;

/// <summary>Linux /proc readings: a process's CPU and memory, the machine's CPU and load.</summary>
internal static class ProcStat
{
    /// <summary>USER_HZ: the unit of /proc's CPU times (bench/run.sh passes getconf CLK_TCK).</summary>
    public static double ClockTicks { get; set; } = 100;

    /// <summary>utime + stime of a process (all its threads), in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        var fields = StatFields(pid);
        return (Long(fields[11]) + Long(fields[12])) / ClockTicks;
    }

    /// <summary>The processes below <paramref name="ancestor"/> (children, their children, ...) whose name (comm) is <paramref name="name"/>.</summary>
    public static IReadOnlyList<int> Descendants(int ancestor, string name)
    {
        var parents = new Dictionary<int, (int Parent, string Name)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var text = File.ReadAllText($"/proc/{pid}/stat");
                var open = text.IndexOf('(', StringComparison.Ordinal);
                var close = text.LastIndexOf(')');
                parents[pid] = (int.Parse(text[(close + 2)..].Split(' ')[1], CultureInfo.InvariantCulture), text[(open + 1)..close]);
            }
            catch (IOException)
            {
                // Ended meanwhile.
            }
        }
        bool Below(int pid)
        {
            for (var depth = 0; depth < 64 && parents.TryGetValue(pid, out var entry); depth++, pid = entry.Parent)
            {
                if (entry.Parent == ancestor)
                {
                    return true;
                }
            }
            return false;
        }
        return parents.Where(p => p.Value.Name == name && Below(p.Key)).Select(p => p.Key).ToList();
    }

    /// <summary>utime + stime of several processes; those that ended count 0 (read both ends over the same set).</summary>
    public static Dictionary<int, double> CpuSecondsOf(IEnumerable<int> pids)
    {
        var cpu = new Dictionary<int, double>();
        foreach (var pid in pids)
        {
            try
            {
                cpu[pid] = CpuSeconds(pid);
            }
            catch (IOException)
            {
            }
        }
        return cpu;
    }

    /// <summary>cutime + cstime: the CPU of a process's children that have ended and been waited for, in seconds.</summary>
    public static double ChildrenCpuSeconds(int pid)
    {
        var fields = StatFields(pid);
        return (Long(fields[13]) + Long(fields[14])) / ClockTicks;
    }

    /// <summary>CPU seconds of the machine that were busy (user, nice, system, irq, softirq) and stolen by the hypervisor.</summary>
    public static (double Busy, double Steal) MachineCpuSeconds()
    {
        var line = File.ReadLines("/proc/stat").First();
        var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Long).ToArray();
        return ((v[0] + v[1] + v[2] + v[5] + v[6]) / ClockTicks, v.Length > 7 ? v[7] / ClockTicks : 0);
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>A field of /proc/PID/status in bytes (VmRSS: resident now; VmHWM: the peak since start); 0 once the process is gone.</summary>
    public static long StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return Long(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>A pid from a pid file, if that process still runs with <paramref name="mustMention"/> on its command line.</summary>
    public static int? PidFromFile(string pidFile, string mustMention)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(mustMention, StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // After the command name (which may hold spaces and parentheses) the fields are space-separated; [0] is field 3 (state).
    private static string[] StatFields(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        return text[(text.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}
