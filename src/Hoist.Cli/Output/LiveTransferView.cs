using Hoist.Cli.Transfers;
using Hoist.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hoist.Cli.Output;

/// <summary>
/// On a terminal: a live row per file and one for the whole run, each fitted to the terminal's width
/// (<see cref="ProgressLine"/>: name, bar, %, size, speed, time left); a finished file shows its average speed.
/// </summary>
internal sealed class LiveTransferView(IAnsiConsole console) : ITransferView
{
    private readonly List<string> _problems = [];
    private ProgressContext? _context;
    private TransferMeter _overall = new(0);
    private ProgressTask? _total;
    private bool _hideFinished;
    private int _count;
    private int _finished;

    public async Task RunAsync(IReadOnlyList<TransferJob> jobs, Func<Task> work)
    {
        _overall = new TransferMeter(jobs.Sum(j => j.Size));
        _count = jobs.Count;
        // Many files: finished bars make way for the running ones (failures stay).
        _hideFinished = jobs.Count > 8;
        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new RowColumn())
            .StartAsync(async context =>
            {
                _context = context;
                if (jobs.Count > 1)
                {
                    _total = context.AddTask("Total", maxValue: Math.Max(1, _overall.Total));
                    _total.Tag = new Row(TotalDescription(), _overall) { Bold = true };
                }
                await work();
                _overall.Stop();
                if (_total is not null)
                {
                    ((Row)_total.Tag!).Name = TotalDescription();
                    _total.Value = _overall.Done;
                    _total.StopTask();
                }
            });
    }

    public IFileView Add(TransferJob job)
    {
        var meter = new TransferMeter(job.Size);
        var row = new Row(job.Name, meter);
        var task = _context!.AddTask(Markup.Escape(job.Name), maxValue: Math.Max(1, job.Size));
        task.Tag = row;
        return new FileView(this, job, task, meter, row);
    }

    public void Summarize(RunSummary summary)
    {
        foreach (var problem in _problems)
        {
            console.MarkupLine(problem);
        }
        var line = $"{summary.Uploaded} uploaded" +
            (summary.Failed > 0 ? $", [red]{summary.Failed} failed[/]" : "") +
            (summary.Interrupted > 0 ? $", [yellow]{summary.Interrupted} interrupted[/]" : "") +
            (summary.Skipped > 0 ? $", {summary.Skipped} skipped" : "") +
            (summary.Bytes > 0 ? $": {Sizes.Bytes(summary.Bytes)} in {Sizes.Duration(summary.Elapsed)} ({Sizes.Speed(summary.BytesPerSecond)})" : "");
        console.MarkupLine(line);
    }

    private string TotalDescription() => $"Total ({_finished}/{_count} files)";

    private void Finished(string? problem)
    {
        lock (_problems)
        {
            _finished++;
            if (problem is not null)
            {
                _problems.Add(problem);
            }
        }
        if (_total is not null)
        {
            ((Row)_total.Tag!).Name = TotalDescription();
            _total.Value = _overall.Done;
        }
    }

    private sealed class FileView(LiveTransferView view, TransferJob job, ProgressTask task, TransferMeter meter, Row row) : IFileView
    {
        private readonly FileProgress _progress = new(meter, view._overall);
        private bool _completing;
        private bool _resumed;

        public void Report(UploadProgress value)
        {
            _progress.Report(value);
            task.Value = meter.Done;
            if (!_resumed && value.BytesResumed > 0)
            {
                // Said in the name's room, after it: a long name is cut in its middle, the note stays.
                _resumed = true;
                row.Name = $"{job.Name} (resumed at {value.BytesResumed * 100 / Math.Max(1, value.TotalBytes)}%)";
            }
            if (!_completing && value.PartCount > 1 && value.PartsCompleted == value.PartCount)
            {
                // Every part is stored; the server now assembles the object, which takes a moment for big files.
                _completing = true;
                row.Note = "completing";
            }
            if (view._total is { } total)
            {
                total.Value = view._overall.Done;
            }
        }

        public void Created(UploadCreated created)
        {
        }

        public void Completed(UploadResult result)
        {
            _progress.Finish(result.Size);
            meter.Stop();
            row.Finish("✓ " + job.Name, "", Color.Green);
            // Hidden only now: a file whose bytes are all sent but which the server is still completing stays in view.
            task.HideWhenCompleted = view._hideFinished;
            task.Value = task.MaxValue;
            task.StopTask();
            // As sha256sum prints it, to compare with.
            var lines = new List<string>();
            if (result.Sha256 is not null)
            {
                lines.Add($"[grey]{result.Sha256}  {Markup.Escape(job.Name)}[/]");
            }
            if (result.DirectFallback is not null)
            {
                // Direct mode could not reach the store from here: worth knowing (a CORS or network setup to fix), not a failure.
                lines.Add($"[yellow]{Markup.Escape(job.Name)}: {Markup.Escape(DirectNote.Of(result)!)}[/]");
            }
            view.Finished(lines.Count == 0 ? null : string.Join('\n', lines));
        }

        public void Failed(string reason, string? uploadId, string? resume = null, UploadResult? stored = null)
        {
            meter.Stop();
            row.Finish("✗ " + job.Name, "failed", Color.Red);
            task.StopTask();
            view.Finished($"[red]✗ {Markup.Escape(job.Name)}:[/] {Markup.Escape(reason)}" + (resume is null ? "" : $"{Sentence.End(reason)} Continue with: [bold]{Markup.Escape(resume)}[/]"));
        }

        public void Interrupted(string? uploadId, string? resume = null)
        {
            meter.Stop();
            row.Finish("‖ " + job.Name, "paused", Color.Yellow);
            task.StopTask();
            view.Finished(null);
        }

        public void Skipped(string reason)
        {
            task.HideWhenCompleted = view._hideFinished;
            meter.Stop();
            row.Finish("- " + job.Name, "skipped", Color.Grey);
            task.StopTask();
            view.Finished($"[grey]- {Markup.Escape(job.Name)}: {Markup.Escape(reason)}[/]");
        }
    }

    /// <summary>What a row shows besides its meter; changed from the sending threads, read by the renderer.</summary>
    private sealed class Row(string name, TransferMeter meter)
    {
        public volatile string Name = name;
        public volatile string? Note;
        public TransferMeter Meter { get; } = meter;
        public Color? Color { get; private set; }
        public bool Bold { get; init; }

        public void Finish(string name, string note, Color color)
        {
            Color = color;
            Note = note;
            Name = name;
        }
    }

    /// <summary>The whole row as one column, so that it fits the terminal (Spectre's own columns leave the bar 4 characters at 80).</summary>
    private sealed class RowColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            if (task.Tag is not Row row)
            {
                return Text.Empty;
            }
            var meter = row.Meter;
            // One cell short of the width: a line that fills the last column makes some terminals wrap.
            var line = ProgressLine.Format(Math.Max(20, options.ConsoleSize.Width - 1),
                new ProgressFigures(row.Name, meter.Done, meter.Total, meter.BytesPerSecond, meter.Remaining, row.Note ?? (meter.IsStopped ? "" : null)));
            return new Text(line, new Style(row.Color, decoration: row.Bold ? Decoration.Bold : Decoration.None)) { Overflow = Overflow.Crop };
        }
    }
}
