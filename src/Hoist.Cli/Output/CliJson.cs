using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hoist.Cli.Output;

/// <summary>
/// The CLI's --json lines: UTF-8 as it is ("résumé", not "r\u00E9sum\u00E9"). The relaxed encoder is safe here:
/// the text goes to a terminal or a pipe, never into HTML; quotes, backslashes and control characters are still escaped.
/// </summary>
internal static class CliJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize<T>(T value, JsonTypeInfo<T> type)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            JsonSerializer.Serialize(writer, value, type);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
