import { getAddress, isAddress } from 'ethers/address'
import { isNodeId } from '../identity/node-identity.js'
import type { AbortOptions } from '../util/abort.js'
import { PROVIDER_STATUSES, type ProviderStatus } from './provider-status.js'
import type { IndexContent, IndexedRegistrations } from './registry-index.js'
import type { BlockRef } from '../rpc/block-ref.js'

/** Version of the snapshot format. */
export const REGISTRY_SNAPSHOT_VERSION = 1

/**
 * The registry index as of one block: what a client keeps across restarts so
 * that it resumes from that block instead of loading the registry again.
 */
export interface RegistrySnapshot extends IndexContent {
  /** The registry's address, checksummed: a snapshot of another registry is not used. */
  readonly registry: string
  /** The block whose state the content is; on restart it must still be canonical. */
  readonly block: BlockRef
  /** The registry's deployment block, if known, so a restart need not ask it again. */
  readonly deploymentBlock?: number
  /** When it was taken (ms since the epoch). */
  readonly savedAt: number
}

/**
 * Keeps a {@link RegistrySnapshot} between runs (a file, a key-value store).
 * `load` returns `undefined` when there is none, and never trusts what it
 * cannot parse: a corrupt snapshot is set aside and `undefined` returned.
 * `save` replaces the snapshot atomically.
 */
export interface RegistrySnapshotStore {
  /** The saved snapshot, or `undefined` if none (or if it was corrupt). */
  load: (options?: AbortOptions) => Promise<RegistrySnapshot | undefined>
  /** Replaces the saved snapshot. */
  save: (snapshot: RegistrySnapshot, options?: AbortOptions) => Promise<void>
}

/** The snapshot as JSON text. */
export function encodeRegistrySnapshot (snapshot: RegistrySnapshot): string {
  return `${JSON.stringify({ version: REGISTRY_SNAPSHOT_VERSION, ...snapshot })}\n`
}

/**
 * The snapshot in `text`, checked field by field.
 *
 * @throws {@link Error} saying what is wrong, if `text` is not a well-formed snapshot
 */
export function decodeRegistrySnapshot (text: string): RegistrySnapshot {
  const parsed: unknown = JSON.parse(text)
  if (!isRecord(parsed) || parsed.version !== REGISTRY_SNAPSHOT_VERSION) {
    throw new Error(`not a version ${REGISTRY_SNAPSHOT_VERSION} registry snapshot`)
  }
  const { registry, block, deploymentBlock, savedAt, statuses, registrations } = parsed
  if (typeof registry !== 'string' || !isAddress(registry)) {
    throw new Error('the snapshot names no registry address')
  }
  if (!isRecord(block) || typeof block.number !== 'number' || !Number.isSafeInteger(block.number) || block.number < 0 ||
    typeof block.hash !== 'string' || !/^0x[0-9a-f]{64}$/i.test(block.hash)) {
    throw new Error('the snapshot has no valid block (number and hash)')
  }
  if (deploymentBlock !== undefined && (typeof deploymentBlock !== 'number' || !Number.isSafeInteger(deploymentBlock) || deploymentBlock < 0)) {
    throw new Error('the snapshot\'s deploymentBlock is not a block number')
  }
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt)) {
    throw new Error('the snapshot has no valid savedAt time')
  }
  if (!isRecord(statuses)) {
    throw new Error('the snapshot has no provider statuses')
  }
  const checkedStatuses: Record<string, ProviderStatus> = {}
  for (const [provider, status] of Object.entries(statuses)) {
    if (!isAddress(provider) || !(PROVIDER_STATUSES as readonly unknown[]).includes(status)) {
      throw new Error(`the snapshot has an invalid provider status ${JSON.stringify([provider, status])}`)
    }
    checkedStatuses[getAddress(provider)] = status as ProviderStatus
  }
  if (!Array.isArray(registrations)) {
    throw new Error('the snapshot has no registrations')
  }
  return {
    registry: getAddress(registry),
    block: { number: block.number, hash: block.hash.toLowerCase() },
    ...(deploymentBlock === undefined ? {} : { deploymentBlock }),
    savedAt,
    statuses: checkedStatuses,
    registrations: registrations.map(checkRegistrations)
  }
}

function checkRegistrations (value: unknown, index: number): IndexedRegistrations {
  if (!isRecord(value) || typeof value.provider !== 'string' || !isAddress(value.provider) ||
    typeof value.kindId !== 'string' || !/^0x[0-9a-f]{64}$/.test(value.kindId) ||
    !Array.isArray(value.nodeIds) || !value.nodeIds.every((nodeId) => typeof nodeId === 'string' && isNodeId(nodeId))) {
    throw new Error(`the snapshot's registrations[${index}] is malformed`)
  }
  return { provider: getAddress(value.provider), kindId: value.kindId, nodeIds: value.nodeIds as string[] }
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
