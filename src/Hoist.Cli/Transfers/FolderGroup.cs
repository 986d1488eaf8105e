namespace Hoist.Cli.Transfers;

/// <summary>
/// The files of one folder argument: uploaded as one group (docs/api.md, "Groups"), so they share one id
/// in their keys. The first file to start creates its upload without a group and hands the group id the
/// server answered to the others, which wait for it; if that file fails before its upload exists, the
/// next one founds the group instead.
/// </summary>
internal sealed class FolderGroup : IDisposable
{
    private readonly SemaphoreSlim _founding = new(1, 1);
    private string? _id;

    /// <summary>
    /// The group id to create with, or null when the caller founds the group: it must then call
    /// <see cref="Founded"/> once its upload exists, or <see cref="Unfounded"/> if it fails before.
    /// </summary>
    public async Task<string?> JoinAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _id) is { } id)
        {
            return id;
        }
        await _founding.WaitAsync(cancellationToken);
        if (Volatile.Read(ref _id) is { } founded)
        {
            _founding.Release();
            return founded;
        }
        return null;
    }

    public void Founded(string? groupId)
    {
        // A server without groups answers none: the files then go on each with its own id, none waiting.
        Volatile.Write(ref _id, groupId ?? "");
        _founding.Release();
    }

    public void Unfounded() => _founding.Release();

    public void Dispose() => _founding.Dispose();
}
