import { SigningKey } from 'ethers/crypto'
import { getBytes, hexlify } from 'ethers/utils'
import { InvalidEnrTreeUrlError } from '../errors.js'
import { decodeBase32, encodeBase32 } from './rfc4648.js'

/** The scheme of a tree's URL and of link entries. */
export const ENRTREE_URL_PREFIX = 'enrtree://'

/** Longest DNS name, in characters without the trailing dot (RFC 1035: 255 bytes on the wire). */
export const MAX_DOMAIN_LENGTH = 253

/** One DNS label: letters, digits, `-` and `_`, 1 to 63 characters, no `-` at either end. */
const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/

/** Where a tree is published and the key that signs it: what an `enrtree://` URL says. */
export interface EnrTreeUrl {
  /** The tree's secp256k1 public key, compressed (33 bytes). */
  readonly publicKey: Uint8Array
  /** The DNS name of the tree's root record, without a trailing dot, e.g. `nodes.example.org`. */
  readonly domain: string
}

/**
 * Whether `domain` is a DNS name a tree can live at: dot-separated labels of
 * letters, digits, `-` and `_`, at most 253 characters, no trailing dot.
 */
export function isValidTreeDomain (domain: string): boolean {
  return domain.length > 0 && domain.length <= MAX_DOMAIN_LENGTH && domain.split('.').every((label) => LABEL.test(label))
}

/**
 * Parses `enrtree://<base32 compressed public key>@<domain>` (EIP-1459).
 *
 * @example
 * ```ts
 * const { publicKey, domain } = parseEnrTreeUrl('enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@nodes.example.org')
 * ```
 * @throws {@link InvalidEnrTreeUrlError} if the scheme, the key (not a valid compressed secp256k1 point) or the domain is wrong
 */
export function parseEnrTreeUrl (url: string): EnrTreeUrl {
  if (!url.startsWith(ENRTREE_URL_PREFIX)) {
    throw new InvalidEnrTreeUrlError(url, `it does not start with "${ENRTREE_URL_PREFIX}"`)
  }
  const rest = url.slice(ENRTREE_URL_PREFIX.length)
  const at = rest.indexOf('@')
  if (at < 0) {
    throw new InvalidEnrTreeUrlError(url, 'it has no "@" between the key and the domain')
  }
  const key = rest.slice(0, at)
  const domain = rest.slice(at + 1).replace(/\.$/, '')
  const publicKey = decodeBase32(key)
  if (publicKey?.length !== 33) {
    throw new InvalidEnrTreeUrlError(url, `the key "${key}" is not the base32 of a 33-byte compressed public key`)
  }
  try {
    SigningKey.computePublicKey(publicKey, true)
  } catch (err) {
    throw new InvalidEnrTreeUrlError(url, `the key "${key}" is not a point of secp256k1`, { cause: err })
  }
  if (!isValidTreeDomain(domain)) {
    throw new InvalidEnrTreeUrlError(url, `"${domain}" is not a DNS name (labels of letters, digits, "-" and "_", at most ${MAX_DOMAIN_LENGTH} characters)`)
  }
  return { publicKey, domain }
}

/**
 * Formats an `enrtree://` URL. `publicKey` may be compressed (33 bytes) or
 * not (65 bytes, or 64 without the 0x04 prefix); the URL holds it compressed.
 *
 * @throws {@link InvalidEnrTreeUrlError} if the key is not a secp256k1 public key or the domain is not a DNS name
 */
export function formatEnrTreeUrl ({ publicKey, domain }: EnrTreeUrl): string {
  const shown = `${ENRTREE_URL_PREFIX}<${hexlify(publicKey)}>@${domain}`
  if (!isValidTreeDomain(domain)) {
    throw new InvalidEnrTreeUrlError(shown, `"${domain}" is not a DNS name`)
  }
  return `${ENRTREE_URL_PREFIX}${encodeBase32(compressPublicKey(publicKey, shown))}@${domain}`
}

/** `publicKey` compressed (33 bytes). */
export function compressPublicKey (publicKey: Uint8Array, shown = hexlify(publicKey)): Uint8Array {
  const key = publicKey.length === 64 ? Uint8Array.of(4, ...publicKey) : publicKey
  let compressed: string
  try {
    compressed = SigningKey.computePublicKey(key, true)
  } catch (err) {
    throw new InvalidEnrTreeUrlError(shown, 'the key is not a secp256k1 public key', { cause: err })
  }
  return getBytes(compressed)
}
