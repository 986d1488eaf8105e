namespace Hoist.Server.Storage;

/// <summary>The part list of a complete call, checked the same way by every store.</summary>
public static class CompleteRules
{
    /// <summary>
    /// S3's rules for the part list of a complete call, plus Ceph's stricter one (every stored part
    /// named, where AWS would assemble a subset), so every store refuses the same lists alike.
    /// <paramref name="stored"/> is what the store holds now where it can tell cheaply (the file
    /// system store, under its lock); a store that cannot passes the named parts themselves and
    /// leaves the ETag check to the store's own complete call.
    /// </summary>
    public static List<StoredPart> ChooseParts(IReadOnlyList<StoredPart> parts, IReadOnlyDictionary<int, StoredPart> stored)
    {
        if (parts.Count == 0)
        {
            throw new StoreException(StoreErrorCode.InvalidPart, "A complete call must name at least one part.");
        }
        var chosen = new List<StoredPart>(parts.Count);
        var previous = 0;
        foreach (var reference in parts)
        {
            if (reference.PartNumber <= previous)
            {
                throw new StoreException(StoreErrorCode.InvalidPartOrder, "Parts must be listed in ascending order, each once.");
            }
            previous = reference.PartNumber;
            if (!stored.TryGetValue(reference.PartNumber, out var part) || !string.Equals(part.ETag, reference.ETag.Trim('"'), StringComparison.OrdinalIgnoreCase))
            {
                throw new StoreException(StoreErrorCode.InvalidPart, $"Part {reference.PartNumber} was not found or its ETag does not match.");
            }
            chosen.Add(part);
        }
        if (chosen.Count != stored.Count)
        {
            throw new StoreException(StoreErrorCode.InvalidPart, $"A complete call must name every stored part: {stored.Count} are stored, {chosen.Count} named.");
        }
        for (var i = 0; i < chosen.Count - 1; i++)
        {
            if (chosen[i].Size < S3Limits.MinPartSize)
            {
                throw new StoreException(StoreErrorCode.EntityTooSmall, $"Part {chosen[i].PartNumber} is smaller than the 5 MiB minimum of every part but the last.");
            }
        }
        return chosen;
    }
}
