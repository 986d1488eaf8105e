using System.Text.Json;

namespace Hoist.Testing;

/// <summary>Checks a refusal: its status, an RFC 9457 body (application/problem+json) and its stable code.</summary>
public static class Problem
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}";
        Assert.True((int)response.StatusCode == status, $"{request}: expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{request}: expected application/problem+json, got '{response.Content.Headers.ContentType}': {body}");
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.True(root.TryGetProperty("code", out var actual) && actual.GetString() == code, $"{request}: expected code {code}: {body}");
        Assert.Equal(status, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()), $"{request}: the problem has no title: {body}");
        return root.Clone();
    }

    /// <summary>Sends a request, checks the refusal and disposes the response.</summary>
    public static async Task<JsonElement> AssertAsync(Task<HttpResponseMessage> sending, int status, string code)
    {
        using var response = await sending;
        return await AssertAsync(response, status, code);
    }
}
