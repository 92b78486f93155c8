using System.Text.Json;
using System.Text.Json.Nodes;
using MimeKit;

namespace Chorus.Server.Email;

/// <summary>Reads the address fields of an email step: a string (one address or a comma list, as in a header, so
/// <c>"Doe, Jane" &lt;jane@example.org&gt;</c> stays one address) or an array of such strings.</summary>
internal static class EmailAddresses
{
    /// <summary>One mailbox with a local part and a domain; groups and bare names are not addresses to send to.</summary>
    public static bool TryParseOne(string text, out MailboxAddress address)
    {
        address = null!;
        if (!TryParseList(text, out var list, out _) || list.Count != 1)
            return false;
        address = list[0];
        return true;
    }

    public static bool TryParseList(string text, out List<MailboxAddress> addresses, out string? error)
    {
        addresses = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty";
            return false;
        }
        // A line break inside an address field is a header injection attempt, whatever the parser makes of it.
        if (text.Any(char.IsControl) || !InternetAddressList.TryParse(text, out var list))
        {
            error = $"'{text}' is not an email address or a comma-separated list of them";
            return false;
        }
        foreach (var item in list)
        {
            if (item is not MailboxAddress mailbox || !HasDomain(mailbox.Address))
            {
                error = $"'{item}' is not an email address (name@domain)";
                return false;
            }
            addresses.Add(mailbox);
        }
        if (addresses.Count == 0)
        {
            error = $"'{text}' holds no address";
            return false;
        }
        return true;
    }

    private static bool HasDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && !address.Any(char.IsWhiteSpace);
    }

    /// <summary>The addresses of a rendered field; null or absent is none.</summary>
    /// <exception cref="ArgumentException">A value that is not an address (the message says which).</exception>
    public static List<MailboxAddress> Read(JsonNode? node, string field)
    {
        var result = new List<MailboxAddress>();
        foreach (var text in Strings(node, field))
        {
            if (!TryParseList(text, out var list, out var error))
                throw new ArgumentException($"config.{field} {error}.");
            result.AddRange(list);
        }
        return result;
    }

    private static IEnumerable<string> Strings(JsonNode? node, string field)
    {
        switch (node)
        {
            case null:
                yield break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                        yield return v.GetValue<string>();
                    else
                        throw new ArgumentException($"config.{field} must hold address strings, not {item?.ToJsonString() ?? "null"}.");
                }
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                yield return value.GetValue<string>();
                break;
            default:
                throw new ArgumentException($"config.{field} must be an address, a comma-separated list or an array of addresses.");
        }
    }
}
