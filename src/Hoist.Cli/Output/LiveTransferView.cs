using Hoist.Cli.Transfers;
using Hoist.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hoist.Cli.Output;

/// <summary>On a terminal: a live bar per file and one for the whole run, with bytes, speed and time left.</summary>
internal sealed class LiveTransferView(IAnsiConsole console) : ITransferView
{
    private const int NameWidth = 36;
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
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new MeterColumn(m => $"{Sizes.Bytes(m.Done)}/{Sizes.Bytes(m.Total)}", 21),
                new MeterColumn(m => Sizes.Speed(m.BytesPerSecond), 12),
                new MeterColumn(m => m.Done >= m.Total ? "" : $"{Sizes.Duration(m.Remaining)} left", 12))
            .StartAsync(async context =>
            {
                _context = context;
                if (jobs.Count > 1)
                {
                    _total = context.AddTask(TotalDescription(), maxValue: Math.Max(1, _overall.Total));
                    _total.Tag = _overall;
                }
                await work();
                if (_total is not null)
                {
                    _total.Description = TotalDescription();
                    _total.Value = _overall.Done;
                    _total.StopTask();
                }
            });
    }

    public IFileView Add(TransferJob job)
    {
        var meter = new TransferMeter(job.Size);
        var task = _context!.AddTask(Markup.Escape(Shorten(job.Name)), maxValue: Math.Max(1, job.Size));
        task.Tag = meter;
        return new FileView(this, job, task, meter);
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

    private string TotalDescription() => $"[bold]Total[/] ({_finished}/{_count} files)";

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
            _total.Description = TotalDescription();
            _total.Value = _overall.Done;
        }
    }

    private static string Shorten(string name) => name.Length <= NameWidth ? name : "…" + name[^(NameWidth - 1)..];

    private sealed class FileView(LiveTransferView view, TransferJob job, ProgressTask task, TransferMeter meter) : IFileView
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
                _resumed = true;
                task.Description = $"{Markup.Escape(Shorten(job.Name))} [grey](resumed at {value.BytesResumed * 100 / Math.Max(1, value.TotalBytes)}%)[/]";
            }
            if (!_completing && value.PartCount > 1 && value.PartsCompleted == value.PartCount)
            {
                // Every part is stored; the server now assembles the object, which takes a moment for big files.
                _completing = true;
                task.Description = $"{Markup.Escape(Shorten(job.Name))} [grey](completing)[/]";
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
            task.Description = $"[green]✓[/] {Markup.Escape(Shorten(job.Name))}";
            // Hidden only now: a file whose bytes are all sent but which the server is still completing stays in view.
            task.HideWhenCompleted = view._hideFinished;
            task.Value = task.MaxValue;
            task.StopTask();
            // As sha256sum prints it, to compare with.
            view.Finished(result.Sha256 is null ? null : $"[grey]{result.Sha256}  {Markup.Escape(job.Name)}[/]");
        }

        public void Failed(string reason, string? uploadId, string? resume = null, UploadResult? stored = null)
        {
            task.Description = $"[red]✗ {Markup.Escape(Shorten(job.Name))}[/]";
            task.StopTask();
            view.Finished($"[red]✗ {Markup.Escape(job.Name)}:[/] {Markup.Escape(reason)}" + (resume is null ? "" : $"{Sentence.End(reason)} Continue with: [bold]{Markup.Escape(resume)}[/]"));
        }

        public void Interrupted(string? uploadId, string? resume = null)
        {
            task.Description = $"[yellow]‖ {Markup.Escape(Shorten(job.Name))}[/]";
            task.StopTask();
            view.Finished(null);
        }

        public void Skipped(string reason)
        {
            task.HideWhenCompleted = view._hideFinished;
            task.Description = $"[grey]- {Markup.Escape(Shorten(job.Name))}[/]";
            task.StopTask();
            view.Finished($"[grey]- {Markup.Escape(job.Name)}: {Markup.Escape(reason)}[/]");
        }
    }

    /// <summary>A column computed from the task's <see cref="TransferMeter"/> (our speed skips resumed bytes; Spectre's would not).</summary>
    private sealed class MeterColumn(Func<TransferMeter, string> text, int width) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            task.Tag is TransferMeter meter ? new Text(text(meter), new Style(Color.Grey)).RightJustified() : Text.Empty;

        public override int? GetColumnWidth(RenderOptions options) => width;
    }
}
