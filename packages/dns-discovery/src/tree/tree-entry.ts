import { MalformedTreeEntryError } from '../errors.js'
import { ENRTREE_URL_PREFIX, formatEnrTreeUrl, parseEnrTreeUrl, type EnrTreeUrl } from './enrtree-url.js'
import { decodeBase32, decodeBase64Url, encodeBase64Url } from './rfc4648.js'

/** The prefix of a root record, version 1. */
export const ROOT_PREFIX = 'enrtree-root:v1'
/** The prefix of a branch entry. */
export const BRANCH_PREFIX = 'enrtree-branch:'
/** The prefix of an ENR leaf (the ENR's own text form). */
export const ENR_PREFIX = 'enr:'
/** A root signature's length: r ‖ s ‖ recovery id. */
export const ROOT_SIGNATURE_LENGTH = 65
/** Shortest and longest hash a branch or root may reference, in bytes (go-ethereum's bounds; builders write 16). */
export const MIN_HASH_BYTES = 12
/** @see MIN_HASH_BYTES */
export const MAX_HASH_BYTES = 32

/** What a root record signs: the roots of its two subtrees and its sequence number. */
export interface TreeRoot {
  /** Hash (base32) of the root entry of the ENR subtree. */
  readonly enrRoot: string
  /** Hash (base32) of the root entry of the link subtree. */
  readonly linkRoot: string
  /** The tree's sequence number: grows with each update, never decreases. */
  readonly seq: number
}

/** `enrtree-root:v1 e=<enr-root> l=<link-root> seq=<n> sig=<sig>`, the TXT record at the tree's domain. */
export interface RootEntry extends TreeRoot {
  readonly type: 'root'
  /** 65 bytes: r ‖ s ‖ recovery id (0 or 1), over keccak256 of the text before ` sig=`. */
  readonly signature: Uint8Array
}

/** `enrtree-branch:h1,h2,...`, an inner node of a subtree. */
export interface BranchEntry {
  readonly type: 'branch'
  /** The hashes (base32) of the children, each the subdomain of a record under the tree's domain. */
  readonly children: readonly string[]
}

/** `enrtree://<key>@<domain>`, a leaf of the link subtree pointing to another tree. */
export interface LinkEntry extends EnrTreeUrl {
  readonly type: 'link'
}

/** `enr:...`, a leaf of the ENR subtree: a node record in its text form. */
export interface EnrEntry {
  readonly type: 'enr'
  /** The record's text, `enr:` and base64url (not decoded nor signature-checked here: core's `decodeEnr` does it). */
  readonly enr: string
}

/** Any record of an EIP-1459 tree, by its `type`. */
export type TreeEntry = RootEntry | BranchEntry | LinkEntry | EnrEntry

/** Root record, strictly as EIP-1459 and go-ethereum write it. */
const ROOT_PATTERN = /^enrtree-root:v1 e=([A-Za-z2-7]+) l=([A-Za-z2-7]+) seq=(\d+) sig=([A-Za-z0-9_-]+)$/

/** Whether `hash` is a base32 hash a tree may reference (12 to 32 bytes). */
export function isValidEntryHash (hash: string): boolean {
  const bytes = decodeBase32(hash)
  return bytes !== undefined && bytes.length >= MIN_HASH_BYTES && bytes.length <= MAX_HASH_BYTES
}

/**
 * Parses the text of one TXT record of a tree (its strings joined).
 *
 * Checks the syntax only: the caller checks the root's signature
 * ({@link verifyTreeRoot}), each entry's hash ({@link checkEntryHash}) and
 * that each entry is of a type allowed where it was found.
 *
 * @param recordName - the record's DNS name, for errors
 * @throws {@link MalformedTreeEntryError} naming the record and what is wrong
 */
export function parseTreeEntry (text: string, recordName = '(unnamed record)'): TreeEntry {
  if (text.startsWith(ROOT_PREFIX)) {
    return parseRoot(text, recordName)
  }
  if (text.startsWith(BRANCH_PREFIX)) {
    const list = text.slice(BRANCH_PREFIX.length)
    const children = list === '' ? [] : list.split(',')
    const bad = children.find((child) => !isValidEntryHash(child))
    if (bad !== undefined) {
      throw new MalformedTreeEntryError(recordName, text, `the branch child "${bad}" is not a base32 hash of ${MIN_HASH_BYTES} to ${MAX_HASH_BYTES} bytes`)
    }
    return { type: 'branch', children }
  }
  if (text.startsWith(ENRTREE_URL_PREFIX)) {
    try {
      return { type: 'link', ...parseEnrTreeUrl(text) }
    } catch (err) {
      throw new MalformedTreeEntryError(recordName, text, `the link is not a valid enrtree URL (${err instanceof Error ? err.message : String(err)})`, { cause: err })
    }
  }
  if (text.startsWith(ENR_PREFIX)) {
    if (!/^enr:[A-Za-z0-9_-]+$/.test(text)) {
      throw new MalformedTreeEntryError(recordName, text, 'the ENR leaf is not base64url after "enr:"')
    }
    return { type: 'enr', enr: text }
  }
  throw new MalformedTreeEntryError(recordName, text, `it starts with none of "${ROOT_PREFIX}", "${BRANCH_PREFIX}", "${ENRTREE_URL_PREFIX}" and "${ENR_PREFIX}"`)
}

/** A root record's fields, checked. */
function parseRoot (text: string, recordName: string): RootEntry {
  const match = ROOT_PATTERN.exec(text)
  if (match === null) {
    throw new MalformedTreeEntryError(recordName, text, `the root is not "${ROOT_PREFIX} e=<hash> l=<hash> seq=<n> sig=<base64url>"`)
  }
  const [, enrRoot = '', linkRoot = '', seqText = '', sig = ''] = match
  for (const [field, hash] of [['e', enrRoot], ['l', linkRoot]] as const) {
    if (!isValidEntryHash(hash)) {
      throw new MalformedTreeEntryError(recordName, text, `the root's ${field}= "${hash}" is not a base32 hash of ${MIN_HASH_BYTES} to ${MAX_HASH_BYTES} bytes`)
    }
  }
  const seq = Number(seqText)
  if (!Number.isSafeInteger(seq)) {
    throw new MalformedTreeEntryError(recordName, text, `the root's seq=${seqText} is above ${Number.MAX_SAFE_INTEGER}`)
  }
  const signature = decodeBase64Url(sig)
  if (signature?.length !== ROOT_SIGNATURE_LENGTH) {
    throw new MalformedTreeEntryError(recordName, text, `the root's sig= is not ${ROOT_SIGNATURE_LENGTH} bytes of unpadded base64url`)
  }
  return { type: 'root', enrRoot, linkRoot, seq, signature }
}

/** The part of a root record that its signature covers: `enrtree-root:v1 e=<enr-root> l=<link-root> seq=<n>`. */
export function formatUnsignedRoot ({ enrRoot, linkRoot, seq }: TreeRoot): string {
  return `${ROOT_PREFIX} e=${enrRoot} l=${linkRoot} seq=${seq}`
}

/** The text of a tree record, as published in its TXT record; the inverse of {@link parseTreeEntry}. */
export function formatTreeEntry (entry: TreeEntry): string {
  switch (entry.type) {
    case 'root': return `${formatUnsignedRoot(entry)} sig=${encodeBase64Url(entry.signature)}`
    case 'branch': return `${BRANCH_PREFIX}${entry.children.join(',')}`
    case 'link': return formatEnrTreeUrl(entry)
    case 'enr': return entry.enr
  }
}
