/**
 * The signing half of the registry model (`registry-model*.ts`): the two
 * EIP-712 messages a node signs (`NodeConsent` to be listed, `NodeWithdrawal`
 * to leave a provider's list), made correctly or with one deliberate flaw,
 * and the contract's own signature recovery, so the model can predict what
 * `addResource` and `withdrawResource` do with any bytes a caller sends.
 *
 * Nothing here comes from `@resource-discovery/registry-admin`: the model is an
 * independent reading of the signing rules the contract documents (domain
 * `ResourceRegistry`/`2`, chain id, registry address; message fields kind,
 * node, provider, nonce, deadline). When those rules change, this is the
 * one file to change.
 */
import { concat, getAddress, getBytes, hexlify, keccak256, SigningKey, toBeHex, TypedDataEncoder, ZeroAddress, zeroPadValue } from 'ethers'

/** EIP-712 domain name of the registry. */
export const DOMAIN_NAME = 'ResourceRegistry'
/** EIP-712 domain version of the registry (2: consents carry a nonce and a deadline, nodes can withdraw). */
export const DOMAIN_VERSION = '2'
/** The largest uint256, a deadline that never passes. */
export const MAX_UINT256 = (1n << 256n) - 1n

/** The order of the secp256k1 group, and its half: the contract refuses signatures with s above the half. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const SECP256K1_HALF_N = SECP256K1_N >> 1n

const MESSAGE_FIELDS = [
  { name: 'kindId', type: 'bytes32' },
  { name: 'nodeId', type: 'bytes32' },
  { name: 'provider', type: 'address' },
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint256' }
]

/** The two messages a node signs. */
export type NodeMessageType = 'NodeConsent' | 'NodeWithdrawal'

/** Where a signature is valid: one registry on one chain. */
export interface SigningDomain {
  readonly chainId: bigint
  /** The registry address, checksummed. */
  readonly registry: string
}

/** A node's signed message, field by field (as the contract rebuilds it from a call's arguments). */
export interface NodeMessage {
  readonly type: NodeMessageType
  /** `0x` and 64 lowercase hex digits. */
  readonly kindId: string
  /** `0x` and 64 lowercase hex digits. */
  readonly nodeId: string
  /** Checksummed. */
  readonly provider: string
  readonly nonce: bigint
  readonly deadline: bigint
}

/** The EIP-712 digest of `message` in `domain`: what the node's key signs. */
export function nodeMessageDigest (domain: SigningDomain, message: NodeMessage): string {
  return TypedDataEncoder.hash(
    { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId: domain.chainId, verifyingContract: domain.registry },
    { [message.type]: MESSAGE_FIELDS },
    { kindId: message.kindId, nodeId: message.nodeId, provider: message.provider, nonce: message.nonce, deadline: message.deadline }
  )
}

/** The Ethereum address of a node's key: the low 20 bytes of its node id (keccak256 of the public key). */
export function nodeAddress (nodeId: string): string {
  return getAddress(`0x${nodeId.slice(-40)}`)
}

/** A node's 64-byte public key (x || y) from its private key, `0x`-prefixed. */
export function nodePublicKey (privateKey: string): string {
  return `0x${new SigningKey(privateKey).publicKey.slice(4)}`
}

/** A node's id from its private key: keccak256 of its 64-byte public key. */
export function nodeIdOf (privateKey: string): string {
  return keccak256(nodePublicKey(privateKey))
}

/**
 * Who signed `digest`, exactly as the contract's `_recover` says: the zero
 * address for a signature that is not 65 bytes, whose v is not 27 or 28
 * (0 and 1 count as 27 and 28), whose s is in the upper half of the group
 * (a malleable copy), or that ecrecover rejects.
 */
export function recoverSigner (digest: string, signature: string): string {
  const bytes = getBytes(signature)
  if (bytes.length !== 65) {
    return ZeroAddress
  }
  const r = hexlify(bytes.slice(0, 32))
  const s = hexlify(bytes.slice(32, 64))
  let v = bytes[64]!
  if (v < 27) {
    v += 27
  }
  if ((v !== 27 && v !== 28) || BigInt(s) > SECP256K1_HALF_N) {
    return ZeroAddress
  }
  if (BigInt(r) === 0n || BigInt(r) >= SECP256K1_N || BigInt(s) === 0n) {
    return ZeroAddress
  }
  try {
    const publicKey = SigningKey.recoverPublicKey(digest, { r, s, v })
    return getAddress(`0x${keccak256(`0x${publicKey.slice(4)}`).slice(-40)}`)
  } catch {
    return ZeroAddress
  }
}

/**
 * What a signed message gets wrong on purpose. `none` is a good signature;
 * the `other*` flaws sign a message that differs from the call in one field
 * (or sign with another key, or the other message type); `tampered*` sign the
 * right message, then the caller changes a field; the rest break the bytes.
 * `keyMismatch`, `shortKey` and `prefixedKey` break the public key that
 * `addResource` takes (a withdrawal carries none, so there they change nothing).
 */
export const SIGNATURE_FLAWS = [
  'none', 'otherKey', 'otherChain', 'otherRegistry', 'otherKind', 'otherNode', 'otherProvider', 'otherType',
  'tamperedNonce', 'tamperedDeadline', 'highS', 'badV', 'shortSignature', 'zeroSignature',
  'keyMismatch', 'shortKey', 'prefixedKey'
] as const
/** One of {@link SIGNATURE_FLAWS}. */
export type SignatureFlaw = (typeof SIGNATURE_FLAWS)[number]

/** The nonce a message names: the node's current one, the one before (used already), or the next. */
export type NonceChoice = 'current' | 'stale' | 'ahead'
/** The deadline a message names, from the timestamp of the block the call goes in. */
export type DeadlineChoice = 'now' | 'soon' | 'never' | 'past' | 'zero'

/** How to sign one message: good, or with one flaw. */
export interface SigningSpec {
  readonly flaw: SignatureFlaw
  readonly nonce: NonceChoice
  readonly deadline: DeadlineChoice
}

/** Everything a signed message depends on at the moment it is made. */
export interface SigningContext {
  readonly domain: SigningDomain
  /** The timestamp of the block the call goes in. */
  readonly now: bigint
  /** The node's nonce in the registry now. */
  readonly currentNonce: bigint
  /** The node's private key. */
  readonly nodeKey: string
  /** Another node's private key: the wrong signer, the mismatched public key, the other node id. */
  readonly otherNodeKey: string
  /** A kind other than the call's. */
  readonly otherKindId: string
  /** A provider other than the call's. */
  readonly otherProvider: string
}

/** A node's message as a call carries it: the fields, the node's public key and the signature. */
export interface SignedNodeMessage {
  /** The fields as the call passes them (the contract rebuilds the signed message from these). */
  readonly message: NodeMessage
  /** The 64-byte public key `addResource` takes (malformed for the key flaws). */
  readonly nodePublicKey: string
  /** The signature bytes, `0x`-prefixed. */
  readonly signature: string
}

/**
 * Makes the node message a call carries: `type` for `kindId`, the context's
 * node and `provider`, signed as `spec` says (correctly, or with its flaw).
 */
export function signNodeMessage (type: NodeMessageType, kindId: string, provider: string, spec: SigningSpec, context: SigningContext): SignedNodeMessage {
  const nodeId = nodeIdOf(context.nodeKey)
  const message: NodeMessage = {
    type,
    kindId,
    nodeId,
    provider: getAddress(provider),
    nonce: pickNonce(spec.nonce, context.currentNonce),
    deadline: pickDeadline(spec.deadline, context.now)
  }
  const { flaw } = spec
  let signedMessage: NodeMessage = message
  let signedDomain: SigningDomain = context.domain
  let signer = context.nodeKey
  switch (flaw) {
    case 'otherKey': signer = context.otherNodeKey; break
    case 'otherChain': signedDomain = { ...context.domain, chainId: context.domain.chainId + 1n }; break
    case 'otherRegistry': signedDomain = { ...context.domain, registry: getAddress(`0x${keccak256(context.domain.registry).slice(-40)}`) }; break
    case 'otherKind': signedMessage = { ...message, kindId: context.otherKindId }; break
    case 'otherNode': signedMessage = { ...message, nodeId: nodeIdOf(context.otherNodeKey) }; break
    case 'otherProvider': signedMessage = { ...message, provider: getAddress(context.otherProvider) }; break
    case 'otherType': signedMessage = { ...message, type: type === 'NodeConsent' ? 'NodeWithdrawal' : 'NodeConsent' }; break
    case 'tamperedNonce': signedMessage = { ...message, nonce: message.nonce === MAX_UINT256 ? 0n : message.nonce + 1n }; break
    case 'tamperedDeadline': signedMessage = { ...message, deadline: message.deadline === 0n ? 1n : message.deadline - 1n }; break
    default: break
  }
  let signature = new SigningKey(signer).sign(nodeMessageDigest(signedDomain, signedMessage)).serialized
  let publicKey = nodePublicKey(context.nodeKey)
  switch (flaw) {
    case 'highS': signature = malleableCopy(signature); break
    case 'badV': signature = concat([getBytes(signature).slice(0, 64), new Uint8Array([29])]); break
    case 'shortSignature': signature = hexlify(getBytes(signature).slice(0, 64)); break
    case 'zeroSignature': signature = hexlify(new Uint8Array(65)); break
    case 'keyMismatch': publicKey = nodePublicKey(context.otherNodeKey); break
    case 'shortKey': publicKey = hexlify(getBytes(publicKey).slice(0, 63)); break
    case 'prefixedKey': publicKey = concat(['0x04', publicKey]); break
    default: break
  }
  return { message, nodePublicKey: publicKey, signature }
}

/** The same signature with s replaced by n - s and v flipped: valid for ecrecover, refused by the contract. */
function malleableCopy (signature: string): string {
  const bytes = getBytes(signature)
  const s = BigInt(hexlify(bytes.slice(32, 64)))
  const v = bytes[64] === 27 ? 28 : 27
  return concat([bytes.slice(0, 32), zeroPadValue(toBeHex(SECP256K1_N - s), 32), new Uint8Array([v])])
}

function pickNonce (choice: NonceChoice, current: bigint): bigint {
  switch (choice) {
    case 'current': return current
    case 'stale': return current === 0n ? MAX_UINT256 : current - 1n
    case 'ahead': return current + 1n
  }
}

function pickDeadline (choice: DeadlineChoice, now: bigint): bigint {
  switch (choice) {
    case 'now': return now
    case 'soon': return now + 600n
    case 'never': return MAX_UINT256
    case 'past': return now - 1n
    case 'zero': return 0n
  }
}
