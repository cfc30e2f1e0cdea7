/** The largest DNS message over UDP without EDNS (RFC 1035), which every TXT record of a tree must fit in (EIP-1459). */
export const MAX_UDP_MESSAGE_BYTES = 512

/** Longest string in a TXT record; longer text is split into several strings. */
export const MAX_TXT_STRING_BYTES = 255

const utf8 = new TextEncoder()

/** Bytes of `name` on the wire, uncompressed: each label with its length byte, then the root's zero byte. */
export function dnsNameWireBytes (name: string): number {
  const labels = name.replace(/\.$/, '').split('.').filter((label) => label !== '')
  return labels.reduce((sum, label) => sum + 1 + utf8.encode(label).length, 1)
}

/** Bytes of a TXT record's data carrying `text`: the text split into strings of at most 255 bytes, each with its length byte. */
export function txtDataBytes (text: string): number {
  const bytes = utf8.encode(text).length
  return bytes + Math.max(1, Math.ceil(bytes / MAX_TXT_STRING_BYTES))
}

/**
 * Bytes of the DNS answer to a TXT query for `name` carrying one record with
 * `text`: header (12), the question (name, type, class), and the answer with
 * its name compressed to a pointer to the question's (2), type, class, TTL,
 * data length (10) and data. No EDNS record.
 */
export function txtAnswerBytes (name: string, text: string): number {
  return 12 + dnsNameWireBytes(name) + 4 + 2 + 10 + txtDataBytes(text)
}

/** Splits `text` into strings of at most 255 bytes, as a TXT record carries it (ASCII text: tree records are). */
export function splitTxtStrings (text: string): string[] {
  if (text === '') {
    return ['']
  }
  const strings: string[] = []
  for (let start = 0; start < text.length; start += MAX_TXT_STRING_BYTES) {
    strings.push(text.slice(start, start + MAX_TXT_STRING_BYTES))
  }
  return strings
}
