using System.Net.Http.Json;
using Hoist.Client.Http;

namespace Hoist.Client.Transfers.Direct;

/// <summary>
/// Presigned part URLs, asked for on demand and in batches (<c>POST /api/uploads/{id}/part-urls</c>):
/// a worker that has hashed its part asks for its URL; while one request is out, the others' wishes
/// gather and go together in the next one (at most 100). A URL is bound to the part's MD5, so it is
/// asked only once the part is read. Kept until it comes near its expiry or the store refuses it.
/// </summary>
internal sealed class PartUrls(HoistClient client, string uploadId, Action retried, CancellationToken lifetime)
{
    private const int MaxPerRequest = 100;

    /// <summary>A URL this close to its expiry is asked again: a part may take a while to send.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly List<Wish> _waiting = [];
    private readonly Dictionary<int, (PartUrl Url, DateTimeOffset ExpiresAt)> _known = [];
    private bool _asking;

    /// <summary>The URL to PUT part <paramref name="partNumber"/> to, its bytes having this MD5.</summary>
    public Task<PartUrl> GetAsync(int partNumber, byte[] md5, CancellationToken cancellationToken)
    {
        var contentMd5 = Convert.ToBase64String(md5);
        var wish = new Wish(new PartUrlRequest(partNumber, contentMd5), new TaskCompletionSource<PartUrl>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_known.TryGetValue(partNumber, out var known) && known.ExpiresAt - Margin > DateTimeOffset.UtcNow
                && known.Url.Headers?.Values.Contains(contentMd5) != false)
            {
                return Task.FromResult(known.Url);
            }
            _waiting.Add(wish);
            if (!_asking)
            {
                _asking = true;
                _ = Task.Run(AskAsync, CancellationToken.None);
            }
        }
        return wish.Answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The store refused this part's URL (it expired): the next <see cref="GetAsync"/> asks a new one.</summary>
    public void Forget(int partNumber)
    {
        lock (_gate)
        {
            _known.Remove(partNumber);
        }
    }

    private async Task AskAsync()
    {
        while (true)
        {
            List<Wish> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _asking = false;
                    return;
                }
                batch = _waiting.Take(MaxPerRequest).ToList();
                _waiting.RemoveRange(0, batch.Count);
            }
            try
            {
                var answer = await client.Sender.SendJsonAsync(() => new HttpRequestMessage(HttpMethod.Post, client.UploadUri(uploadId, "part-urls"))
                {
                    Content = JsonContent.Create(new PartUrlsRequest(batch.Select(w => w.Request).ToList()), ApiJson.Default.PartUrlsRequest),
                }, ApiJson.Default.PartUrlsResponse, retried, lifetime);
                var byNumber = answer.Parts.GroupBy(p => p.PartNumber).ToDictionary(g => g.Key, g => g.First());
                lock (_gate)
                {
                    foreach (var url in byNumber.Values)
                    {
                        _known[url.PartNumber] = (url, answer.ExpiresAt);
                    }
                }
                foreach (var wish in batch)
                {
                    if (byNumber.TryGetValue(wish.Request.PartNumber, out var url))
                    {
                        wish.Answer.TrySetResult(url);
                    }
                    else
                    {
                        wish.Answer.TrySetException(new InvalidOperationException($"The server answered no URL for part {wish.Request.PartNumber}."));
                    }
                }
            }
            catch (Exception e)
            {
                foreach (var wish in batch)
                {
                    wish.Answer.TrySetException(e);
                }
            }
        }
    }

    private sealed record Wish(PartUrlRequest Request, TaskCompletionSource<PartUrl> Answer);
}
