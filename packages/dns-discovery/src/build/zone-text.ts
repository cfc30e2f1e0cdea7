import { splitTxtStrings } from './dns-size.js'
import type { SignedDnsTree } from './dns-tree.js'
import { dnsTreeRecords } from './sign-dns-tree.js'

/** TTL of the root record by default, in seconds: short, so that updates reach clients soon (EIP-1459's example uses 60). */
export const DEFAULT_ROOT_TTL_SECONDS = 60

/** TTL of the other records by default, in seconds: their names are their hashes, so they never change and can be cached long. */
export const DEFAULT_ENTRY_TTL_SECONDS = 86_400

/** Options of {@link toZoneText}. */
export interface ZoneTextOptions {
  /** TTL of the root record, in seconds; default {@link DEFAULT_ROOT_TTL_SECONDS}. */
  rootTtlSeconds?: number
  /** TTL of the other records, in seconds; default {@link DEFAULT_ENTRY_TTL_SECONDS}. */
  entryTtlSeconds?: number
}

/**
 * The tree as zone file text (RFC 1035 master file format), to import at a
 * DNS provider or into a name server: `$ORIGIN <domain>.`, the root at `@`,
 * each entry at its hash, relative to the domain. Each TXT record's text is
 * split into quoted strings of at most 255 bytes, as DNS requires.
 *
 * @example
 * ```text
 * ; enrtree://AKPYQIUQIL7PSIACI32J7FGZW56E5FKHEFCCOFHILBIMW3M6LWXS2@nodes.example.org (seq 1, 3 ENRs, 1 link)
 * $ORIGIN nodes.example.org.
 * @                          60    IN TXT "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 sig=o908..."
 * JWXYDBPXYWG6FX3GMDIBFA6CJ4 86400 IN TXT "enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4ZY,H4FHT4B454P6UXFD7JCYQ5PWDY,MHTDO6TMUBRIA2XWG5LUDACK24"
 * ```
 */
export function toZoneText (tree: SignedDnsTree, options: ZoneTextOptions = {}): string {
  const rootTtl = options.rootTtlSeconds ?? DEFAULT_ROOT_TTL_SECONDS
  const entryTtl = options.entryTtlSeconds ?? DEFAULT_ENTRY_TTL_SECONDS
  const records = dnsTreeRecords(tree)
  const lines = records.map(({ name, text }, index) => {
    const relative = index === 0 ? '@' : name.slice(0, -(tree.domain.length + 1))
    const strings = splitTxtStrings(text).map((string) => `"${string}"`).join(' ')
    return `${relative.padEnd(26)} ${String(index === 0 ? rootTtl : entryTtl).padEnd(5)} IN TXT ${strings}`
  })
  const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`
  return [
    `; ${tree.url} (seq ${tree.seq}, ${plural(tree.enrs.length, 'ENR')}, ${plural(tree.links.length, 'link')})`,
    `$ORIGIN ${tree.domain}.`,
    ...lines,
    ''
  ].join('\n')
}
