import {
  createNodeConsent,
  createNodeWithdrawal,
  nodeConsentDigest,
  nodeIdFromPublicKey,
  nodePublicKeyFromPrivateKey,
  nodeWithdrawalDigest,
  type NodeConsent,
  type NodeSignatureRequest,
  type NodeWithdrawal
} from '@resource-discovery/registry-admin'
import { dataSlice, getAddress, isHexString, recoverAddress, SigningKey } from 'ethers'
import { checkAddress, checkNodeId } from '../../config/check-values.js'
import { loadKeyFileOption, loadRoleKey, requireRoleKey } from '../../config/load-key.js'
import type { ResolvedOptions } from '../../config/resolve-options.js'
import { UsageError } from '../../errors.js'
import { loadPluginCatalog } from '../../plugins/load-plugin-catalog.js'
import { openRegistry, openRpc } from '../../runtime/open-registry.js'
import type { CommandContext } from '../command-spec.js'
import { transactionJson, transactionText, withRegistry } from './registry-session.js'

/** The `--kind` of a resource command, checked against the loaded plugins. */
async function kindOf ({ options, cwd }: CommandContext): Promise<{ name: string, kindId: string }> {
  const name = options.requireString('kind')
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd)
  return catalog.requireKind(name)
}

/** What a node's signature names besides the kind, the node and the provider. */
interface SignedScope {
  registry: string
  chainId: bigint
  nonce: bigint
  deadline: bigint
}

/** `--valid-for` in whole seconds (rounded up). */
function validForSeconds (options: ResolvedOptions): number {
  return Math.ceil((options.number('validFor') ?? 0) / 1000)
}

/** `--nonce` and `--deadline`, if given, as a {@link NodeSignatureRequest} fills them. */
function givenNonceAndDeadline (options: ResolvedOptions): Pick<NodeSignatureRequest, 'nonce' | 'deadline' | 'validForSeconds'> {
  const nonce = options.number('nonce')
  const deadline = options.number('deadline')
  return {
    validForSeconds: validForSeconds(options),
    ...(nonce === undefined ? {} : { nonce }),
    ...(deadline === undefined ? {} : { deadline })
  }
}

/**
 * The registry, chain id, nonce and deadline node `nodeId` signs for where
 * its key is: from `--chain-id`, `--nonce` and `--deadline` if given, else
 * asked of `--rpc-url` (the chain id, the node's nonce in the registry, the
 * latest block's time plus `--valid-for`).
 */
async function signedScope (context: CommandContext, nodeId: string): Promise<SignedScope> {
  const { options, signal } = context
  const registry = checkAddress(options.where('registry'), options.requireString('registry'))
  const chainId = options.number('chainId')
  const nonce = options.number('nonce')
  const deadline = options.number('deadline')
  if (chainId !== undefined && nonce !== undefined) {
    const until = deadline ?? Math.floor(Date.now() / 1000) + validForSeconds(options)
    return { registry, chainId: BigInt(chainId), nonce: BigInt(nonce), deadline: BigInt(until) }
  }
  if (!options.given('rpcUrl')) {
    throw chainId === undefined
      ? options.missing('chainId', ['--rpc-url to ask the chain'])
      : options.missing('nonce', ['--rpc-url to ask the registry'])
  }
  const rpc = await openRpc(options, signal)
  try {
    const client = await openRegistry(options, rpc, undefined, signal)
    const [current, latest] = await Promise.all([
      nonce === undefined ? client.nodeNonce(nodeId, { signal }) : BigInt(nonce),
      deadline === undefined ? rpc.provider.getBlock('latest') : undefined
    ])
    const until = deadline === undefined ? BigInt(latest?.timestamp ?? Math.floor(Date.now() / 1000)) + BigInt(validForSeconds(options)) : BigInt(deadline)
    return { registry, chainId: chainId === undefined ? rpc.chainId : BigInt(chainId), nonce: current, deadline: until }
  } finally {
    rpc.provider.destroy()
  }
}

/** `--nonce` and `--deadline` of a signature made beforehand: both are part of what was signed. */
function requireNonceAndDeadline (options: ResolvedOptions): { nonce: bigint, deadline: bigint } {
  const nonce = options.number('nonce')
  const deadline = options.number('deadline')
  if (nonce === undefined) {
    throw options.missing('nonce')
  }
  if (deadline === undefined) {
    throw options.missing('deadline')
  }
  return { nonce: BigInt(nonce), deadline: BigInt(deadline) }
}

/** `--signature`, checked to be 65 bytes of hex. */
function signatureOption (options: ResolvedOptions): string {
  const signature = options.requireString('signature').trim()
  if (!isHexString(signature, 65)) {
    throw options.invalid('signature', `expected a 65-byte signature (0x and 130 hex characters), got "${signature}"`)
  }
  return signature
}

/** How a deadline reads in text: the timestamp and its UTC time. */
function deadlineText (deadline: bigint): string {
  const date = new Date(Number(deadline) * 1000)
  return `${deadline.toString()} (${Number.isNaN(date.getTime()) ? 'far future' : date.toISOString()})`
}

/**
 * `rdisc registry consent`: signs, with the node key, the node's consent to
 * be registered for a kind by a provider, once (the node's nonce) and until
 * a deadline, and prints what the provider needs.
 */
export async function runConsent (context: CommandContext): Promise<void> {
  const { options, env, output } = context
  const kind = await kindOf(context)
  const provider = checkAddress(options.where('provider'), options.requireString('provider'))
  const nodeKey = await requireRoleKey(options, 'node', env, (line) => { output.warn(line) })
  const nodeId = nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey.privateKey))
  const scope = await signedScope(context, nodeId)
  const consent = createNodeConsent(nodeKey.privateKey, { ...scope, kindId: kind.kindId, provider })
  const { registry, chainId } = scope
  output.result(
    {
      kind: kind.name,
      kindId: kind.kindId,
      registry,
      chainId: Number(chainId),
      provider,
      nodeId: consent.nodeId,
      nodePublicKey: consent.nodePublicKey,
      nonce: Number(consent.nonce),
      deadline: Number(consent.deadline),
      signature: consent.signature
    },
    [
      `node id    ${consent.nodeId}`,
      `nonce      ${consent.nonce.toString()}`,
      `deadline   ${deadlineText(consent.deadline)}`,
      `signature  ${consent.signature}`,
      '',
      `The node consents to be registered as ${kind.name} by ${provider} in registry ${registry} on chain ${chainId.toString()}, once (nonce ${consent.nonce.toString()}) and until the deadline. The provider runs:`,
      `  rdisc registry add-resource --kind ${kind.name} --node-id ${consent.nodeId} --nonce ${consent.nonce.toString()} --deadline ${consent.deadline.toString()} --signature ${consent.signature}${pluginFlags(options)}`
    ].join('\n')
  )
}

/**
 * The consent of `--node-id`, `--nonce`, `--deadline` and `--signature`: the
 * node's public key is recovered from the signature over this registry,
 * chain, kind, provider, nonce and deadline, and must hash to the node id.
 */
function consentFromSignature (context: CommandContext, kindName: string, scope: { registry: string, chainId: bigint, kindId: string, provider: string }): NodeConsent {
  const { options } = context
  const nodeId = checkNodeId(options.where('nodeId'), options.requireString('nodeId'))
  const { nonce, deadline } = requireNonceAndDeadline(options)
  const signature = signatureOption(options)
  let publicKey: string
  try {
    publicKey = SigningKey.recoverPublicKey(nodeConsentDigest({ ...scope, nodeId, nonce, deadline }), signature)
  } catch (err) {
    throw options.invalid('signature', 'is not a valid secp256k1 signature', err)
  }
  if (nodeIdFromPublicKey(publicKey) !== nodeId) {
    throw options.invalid('signature', `was not made by node ${nodeId} for registry ${scope.registry}, chain ${scope.chainId.toString()}, kind ${kindName}, provider ${scope.provider}, nonce ${nonce.toString()} and deadline ${deadline.toString()}; have the node operator run \`rdisc registry consent\` with exactly these`)
  }
  return { kindId: scope.kindId, nodeId, nodePublicKey: `0x${publicKey.slice(4)}`, nonce, deadline, signature }
}

/** `rdisc registry add-resource`: the provider registers a node, with its consent made here or beforehand. */
export async function runAddResource (context: CommandContext): Promise<void> {
  const { options, output, signal } = context
  const kind = await kindOf(context)
  const bySignature = options.given('signature') || options.given('nodeId')
  if (bySignature && options.source('nodeKeyFile') === 'flag') {
    throw new UsageError('give either --node-key-file or --node-id with --signature, not both')
  }
  const nodeKey = bySignature ? undefined : await loadKeyFileOption(options, 'nodeKeyFile', (line) => { output.warn(line) })
  if (!bySignature && nodeKey === undefined) {
    throw options.missing('nodeKeyFile', ['--node-id with --signature'])
  }
  await withRegistry(context, 'provider', async ({ rpc, registry, account }) => {
    const provider = account ?? ''
    const consent = nodeKey === undefined
      ? consentFromSignature(context, kind.name, { registry: registry.address, chainId: rpc.chainId, kindId: kind.kindId, provider })
      : await registry.createNodeConsent(nodeKey.privateKey, { kindId: kind.kindId, provider, ...givenNonceAndDeadline(options) }, { signal })
    const transaction = await registry.addResource(consent, { signal })
    output.result(
      { kind: kind.name, kindId: kind.kindId, nodeId: consent.nodeId, provider, transaction: transactionJson(transaction) },
      `registered node ${consent.nodeId} as ${kind.name} by provider ${provider}\n${transactionText(transaction)}`
    )
  })
}

/** `rdisc registry remove-resource`: the provider removes a node it registered. */
export async function runRemoveResource (context: CommandContext): Promise<void> {
  const { options, output, signal } = context
  const kind = await kindOf(context)
  const nodeId = checkNodeId(options.where('nodeId'), options.requireString('nodeId'))
  await withRegistry(context, 'provider', async ({ registry, account }) => {
    const transaction = await registry.removeResource(kind.kindId, nodeId, { signal })
    output.result(
      { kind: kind.name, kindId: kind.kindId, nodeId, provider: account, transaction: transactionJson(transaction) },
      `removed node ${nodeId} as ${kind.name} of provider ${account ?? '?'}\n${transactionText(transaction)}`
    )
  })
}

/**
 * The withdrawal of `--node-id`, `--nonce`, `--deadline` and `--signature`:
 * the signer recovered from the signature over this registry, chain, kind,
 * provider, nonce and deadline must be the node's key (the address in the
 * low 20 bytes of the node id, as the contract checks).
 */
function withdrawalFromSignature (context: CommandContext, kindName: string, scope: { registry: string, chainId: bigint, kindId: string, provider: string }): NodeWithdrawal {
  const { options } = context
  const nodeId = checkNodeId(options.where('nodeId'), options.requireString('nodeId'))
  const { nonce, deadline } = requireNonceAndDeadline(options)
  const signature = signatureOption(options)
  let signer: string
  try {
    signer = recoverAddress(nodeWithdrawalDigest({ ...scope, nodeId, nonce, deadline }), signature)
  } catch (err) {
    throw options.invalid('signature', 'is not a valid secp256k1 signature', err)
  }
  if (signer !== getAddress(dataSlice(nodeId, 12))) {
    throw options.invalid('signature', `is not node ${nodeId}'s withdrawal for registry ${scope.registry}, chain ${scope.chainId.toString()}, kind ${kindName}, provider ${scope.provider}, nonce ${nonce.toString()} and deadline ${deadline.toString()}; have the node operator run \`rdisc registry withdraw\` with exactly these`)
  }
  return { kindId: scope.kindId, nodeId, provider: scope.provider, nonce, deadline, signature }
}

/**
 * `rdisc registry withdraw`: the node leaves a provider's list on its own
 * signature, without the provider. With a sending key (`--key-file`...) the
 * withdrawal is signed from `--node-key-file` (or taken from `--node-id`,
 * `--nonce`, `--deadline` and `--signature`) and sent; without one it is
 * only signed and printed, for any account to send.
 */
export async function runWithdraw (context: CommandContext): Promise<void> {
  const { options, env, output, signal } = context
  const warn = (line: string): void => { output.warn(line) }
  const kind = await kindOf(context)
  const provider = checkAddress(options.where('provider'), options.requireString('provider'))
  const bySignature = options.given('signature') || options.given('nodeId')
  if (bySignature && options.source('nodeKeyFile') === 'flag') {
    throw new UsageError('give either --node-key-file or --node-id with --signature, not both')
  }
  const nodeKey = bySignature ? undefined : await loadKeyFileOption(options, 'nodeKeyFile', warn)
  if (!bySignature && nodeKey === undefined) {
    throw options.missing('nodeKeyFile', ['--node-id with --signature'])
  }
  const sender = await loadRoleKey(options, 'relayer', env, warn)
  if (sender === undefined && nodeKey !== undefined) {
    printWithdrawal(context, kind, provider, nodeKey.privateKey, await signedScope(context, nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey.privateKey))))
    return
  }
  await withRegistry(context, 'relayer', async ({ rpc, registry, account }) => {
    const withdrawal = nodeKey === undefined
      ? withdrawalFromSignature(context, kind.name, { registry: registry.address, chainId: rpc.chainId, kindId: kind.kindId, provider })
      : await registry.createNodeWithdrawal(nodeKey.privateKey, { kindId: kind.kindId, provider, ...givenNonceAndDeadline(options) }, { signal })
    const transaction = await registry.withdrawResource(withdrawal, { signal })
    output.result(
      { kind: kind.name, kindId: kind.kindId, nodeId: withdrawal.nodeId, provider, sender: account, transaction: transactionJson(transaction) },
      `node ${withdrawal.nodeId} withdrew from ${kind.name} of provider ${provider} (sent by ${account ?? '?'})\n${transactionText(transaction)}`
    )
  })
}

/** Prints a withdrawal signed here, and the command any funded account runs to send it. */
function printWithdrawal (context: CommandContext, kind: { name: string, kindId: string }, provider: string, nodeKey: string, scope: SignedScope): void {
  const { options, output } = context
  const withdrawal = createNodeWithdrawal(nodeKey, { ...scope, kindId: kind.kindId, provider })
  output.result(
    {
      kind: kind.name,
      kindId: kind.kindId,
      registry: scope.registry,
      chainId: Number(scope.chainId),
      provider,
      nodeId: withdrawal.nodeId,
      nonce: Number(withdrawal.nonce),
      deadline: Number(withdrawal.deadline),
      signature: withdrawal.signature
    },
    [
      `node id    ${withdrawal.nodeId}`,
      `nonce      ${withdrawal.nonce.toString()}`,
      `deadline   ${deadlineText(withdrawal.deadline)}`,
      `signature  ${withdrawal.signature}`,
      '',
      `The node withdraws from ${kind.name} of provider ${provider} in registry ${scope.registry} on chain ${scope.chainId.toString()}. Any funded account sends it:`,
      `  rdisc registry withdraw --kind ${kind.name} --provider ${provider} --node-id ${withdrawal.nodeId} --nonce ${withdrawal.nonce.toString()} --deadline ${withdrawal.deadline.toString()} --signature ${withdrawal.signature} --key-file SENDER.key${pluginFlags(options)}`
    ].join('\n')
  )
}

function pluginFlags (options: ResolvedOptions): string {
  return options.list('plugins').map((plugin) => ` --plugin ${plugin}`).join('')
}
