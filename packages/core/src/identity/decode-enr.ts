import { ENR, id as identityScheme, publicKey as schemePublicKey, verify as verifySignature } from '@chainsafe/enr'
import { decodeRlp, encodeRlp, getBytes, hexlify, toUtf8String } from 'ethers/utils'
import { InvalidEnrError, InvalidEnrSignatureError } from '../errors.js'
import type { NodeRecord } from '../resource/node-record.js'
import { LruMap } from '../util/lru-map.js'
import { identityFromPublicKey } from './node-identity.js'

/** EIP-778 caps an encoded record at 300 bytes; its text form is about 4/3 of that plus the prefix. */
const MAX_ENR_TEXT_LENGTH = 4 + Math.ceil(300 * 4 / 3)

/** The message `@chainsafe/enr` throws when a record's signature does not verify. */
const SIGNATURE_FAILURE = 'Unable to verify enr signature'

/** Records decoded most recently, by their text: at most this many are kept. */
const DECODED_MEMO_SIZE = 1024

/**
 * Records decoded (and signature-checked) lately, by their exact text, least
 * recently used first. A record's text determines the outcome, so a second
 * decode of the same text (a discoverer passing on what discv5 decoded, a
 * server seen again in the next pass) skips the signature check, the costly
 * part (milliseconds each while the process is young). Only successes are
 * kept; each caller gets its own copy.
 */
const decoded = new LruMap<string, NodeRecord>(DECODED_MEMO_SIZE)

/**
 * Decodes the text form of an ENR (`enr:...`) and checks its signature.
 *
 * This is the only place core touches `@chainsafe/enr`: everything past it
 * sees a {@link NodeRecord}.
 *
 * @throws {@link InvalidEnrError} if the text is not a well-formed v4 record
 * @throws {@link InvalidEnrSignatureError} if the signature does not match the record's key
 */
export function decodeEnr (text: string): NodeRecord {
  const trimmed = text.trim()
  const record = decoded.get(trimmed) ?? decodeUncached(trimmed)
  decoded.set(trimmed, record)
  return { ...record, entries: new Map([...record.entries].map(([key, value]) => [key, Uint8Array.from(value)])) }
}

function decodeUncached (trimmed: string): NodeRecord {
  if (!trimmed.startsWith('enr:')) {
    throw new InvalidEnrError('it does not start with "enr:"')
  }
  if (trimmed.length > MAX_ENR_TEXT_LENGTH) {
    throw new InvalidEnrError(`it is ${trimmed.length} characters long; a record is at most 300 bytes`)
  }
  if (!/^enr:[A-Za-z0-9_-]+$/.test(trimmed)) {
    throw new InvalidEnrError('it is not base64url after "enr:"')
  }
  let enr: ENR
  try {
    // only a record @chainsafe/enr refuses is decoded again here: one of sequence number 0
    enr = decodeOrZeroSeq(trimmed)
  } catch (err) {
    if (err instanceof Error && err.message === SIGNATURE_FAILURE) {
      throw new InvalidEnrSignatureError({ cause: err })
    }
    if (err instanceof InvalidEnrError) {
      throw err
    }
    throw new InvalidEnrError(err instanceof Error ? err.message : 'it could not be decoded', { cause: err })
  }
  let publicKey: Uint8Array
  try {
    publicKey = enr.publicKey
  } catch (err) {
    throw new InvalidEnrError('it has no secp256k1 public key', { cause: err })
  }
  const identity = identityFromPublicKey(publicKey)
  const record: NodeRecord = {
    ...identity,
    enr: trimmed,
    seq: enr.seq,
    entries: new Map([...enr.kvs].map(([key, value]) => [key, Uint8Array.from(value)])),
    ...definedFields(enr)
  }
  return record
}

/** `ENR.decodeTxt`, or, where it fails, {@link decodeWithZeroSeq}; the first error if that is not the case either. */
function decodeOrZeroSeq (text: string): ENR {
  try {
    return ENR.decodeTxt(text)
  } catch (err) {
    const zeroSeq = decodeWithZeroSeq(text)
    if (zeroSeq === undefined) {
      throw err
    }
    return zeroSeq
  }
}

/**
 * A record of sequence number 0, which `@chainsafe/enr` 5 cannot decode (it
 * reads the empty RLP string of a zero as a number and throws), decoded
 * here with its signature checked the same way; `undefined` for any other
 * record, which `ENR.decodeTxt` decodes. EIP-1459's example tree holds one.
 */
function decodeWithZeroSeq (text: string): ENR | undefined {
  let values: unknown
  try {
    values = decodeRlp(base64UrlBytes(text.slice(4)))
  } catch {
    return undefined
  }
  if (!Array.isArray(values) || values.length < 2 || values.length % 2 !== 0 || values[1] !== '0x') {
    return undefined
  }
  const [signature, seq, ...pairs] = values as unknown[]
  if (typeof signature !== 'string' || pairs.some((value) => typeof value !== 'string')) {
    throw new InvalidEnrError('its fields are not byte strings')
  }
  const kvs = new Map<string, Uint8Array>()
  for (let index = 0; index < pairs.length; index += 2) {
    kvs.set(toUtf8String(pairs[index] as string), getBytes(pairs[index + 1] as string))
  }
  const scheme = identityScheme(kvs)
  const signed = getBytes(encodeRlp([seq as string, ...(pairs as string[])]))
  if (!verifySignature(scheme, signed, schemePublicKey(scheme, kvs), getBytes(signature))) {
    throw new Error(SIGNATURE_FAILURE)
  }
  return new ENR(kvs, 0n, getBytes(signature))
}

/** The bytes of unpadded base64url text. */
function base64UrlBytes (text: string): string {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(text.length / 4) * 4, '='))
  return hexlify(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
}

/** Reads the location fields, leaving out the ones the record lacks. */
function definedFields (enr: ENR): Partial<Pick<NodeRecord, 'ip' | 'udp' | 'tcp' | 'ip6' | 'udp6' | 'tcp6'>> {
  const fields: Partial<Record<'ip' | 'udp' | 'tcp' | 'ip6' | 'udp6' | 'tcp6', string | number>> = {}
  const read: Array<['ip' | 'udp' | 'tcp' | 'ip6' | 'udp6' | 'tcp6', () => string | number | undefined]> = [
    ['ip', () => enr.ip], ['udp', () => enr.udp], ['tcp', () => enr.tcp],
    ['ip6', () => enr.ip6], ['udp6', () => enr.udp6], ['tcp6', () => enr.tcp6]
  ]
  for (const [name, get] of read) {
    let value: string | number | undefined
    try {
      value = get()
    } catch (err) {
      throw new InvalidEnrError(`its "${name}" field is malformed`, { cause: err })
    }
    if (value !== undefined) {
      fields[name] = value
    }
  }
  return fields as Partial<Pick<NodeRecord, 'ip' | 'udp' | 'tcp' | 'ip6' | 'udp6' | 'tcp6'>>
}
