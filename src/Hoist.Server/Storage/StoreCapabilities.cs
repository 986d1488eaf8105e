namespace Hoist.Server.Storage;

/// <summary>
/// What the configured store can do beyond the core contract, stated once where the store is made
/// (see <see cref="StorageServiceCollectionExtensions"/>), never inferred from the type of a wrapper:
/// a feature that needs a capability asks here, and finds null when the store has none.
/// </summary>
public sealed record StoreCapabilities(ILeftoverStore? Leftovers, IRecordStore? Records = null, IPresigningStore? Presigning = null)
{
    public static StoreCapabilities Of(IObjectStore store) => new(store as ILeftoverStore, store as IRecordStore, store as IPresigningStore);
}
