export { ENRTREE_URL_PREFIX, MAX_DOMAIN_LENGTH, compressPublicKey, formatEnrTreeUrl, isValidTreeDomain, parseEnrTreeUrl, type EnrTreeUrl } from './enrtree-url.js'
export { ENTRY_HASH_BYTES, checkEntryHash, entryHash, entryHashMatches } from './entry-hash.js'
export { decodeBase32, decodeBase64Url, encodeBase32, encodeBase64Url } from './rfc4648.js'
export { parseAndVerifyRoot, signTreeRoot, verifyTreeRoot } from './root-signature.js'
export {
  BRANCH_PREFIX, ENR_PREFIX, MAX_HASH_BYTES, MIN_HASH_BYTES, ROOT_PREFIX, ROOT_SIGNATURE_LENGTH,
  formatTreeEntry, formatUnsignedRoot, isValidEntryHash, parseTreeEntry,
  type BranchEntry, type EnrEntry, type LinkEntry, type RootEntry, type TreeEntry, type TreeRoot
} from './tree-entry.js'
