import { createNodeConsent, nodeConsentDigest, nodeIdFromPublicKey, type NodeConsent } from '@resource-discovery/registry'
import { isHexString, SigningKey } from 'ethers'
import { checkAddress, checkNodeId } from '../../config/check-values.js'
import { loadKeyFileOption, requireRoleKey } from '../../config/load-key.js'
import { UsageError } from '../../errors.js'
import { loadPluginCatalog } from '../../plugins/load-plugin-catalog.js'
import { openRpc } from '../../runtime/open-registry.js'
import type { CommandContext } from '../command-spec.js'
import { transactionJson, transactionText, withRegistry } from './registry-session.js'

/** The `--kind` of a resource command, checked against the loaded plugins. */
async function kindOf ({ options, cwd }: CommandContext): Promise<{ name: string, kindId: string }> {
  const name = options.requireString('kind')
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd)
  return catalog.requireKind(name)
}

/**
 * `rdisc registry consent`: signs, with the node key, the node's consent to
 * be registered for a kind by a provider, and prints what the provider needs.
 */
export async function runConsent (context: CommandContext): Promise<void> {
  const { options, env, output, signal } = context
  const kind = await kindOf(context)
  const provider = checkAddress(options.where('provider'), options.requireString('provider'))
  const registry = checkAddress(options.where('registry'), options.requireString('registry'))
  const nodeKey = await requireRoleKey(options, 'node', env, (line) => { output.warn(line) })
  let chainId = options.number('chainId')
  if (chainId === undefined) {
    if (!options.given('rpcUrl')) {
      throw options.missing('chainId', ['--rpc-url to ask the chain'])
    }
    const rpc = await openRpc(options, signal)
    rpc.provider.destroy()
    chainId = Number(rpc.chainId)
  }
  const consent = createNodeConsent(nodeKey.privateKey, { registry, chainId, kindId: kind.kindId, provider })
  output.result(
    { kind: kind.name, kindId: kind.kindId, registry, chainId, provider, nodeId: consent.nodeId, nodePublicKey: consent.nodePublicKey, signature: consent.signature },
    [
      `node id    ${consent.nodeId}`,
      `signature  ${consent.signature}`,
      '',
      `The node consents to be registered as ${kind.name} by ${provider} in registry ${registry} on chain ${chainId}. The provider runs:`,
      `  rdisc registry add-resource --kind ${kind.name} --node-id ${consent.nodeId} --signature ${consent.signature}${options.list('plugins').map((plugin) => ` --plugin ${plugin}`).join('')}`
    ].join('\n')
  )
}

/**
 * The consent of `--node-id` and `--signature`: the node's public key is
 * recovered from the signature over this registry, chain, kind and provider,
 * and must hash to the node id.
 */
function consentFromSignature (context: CommandContext, kindName: string, scope: { registry: string, chainId: bigint, kindId: string, provider: string }): NodeConsent {
  const { options } = context
  const nodeId = checkNodeId(options.where('nodeId'), options.requireString('nodeId'))
  const signature = options.requireString('signature').trim()
  if (!isHexString(signature, 65)) {
    throw options.invalid('signature', `expected a 65-byte signature (0x and 130 hex characters), got "${signature}"`)
  }
  let publicKey: string
  try {
    publicKey = SigningKey.recoverPublicKey(nodeConsentDigest({ ...scope, nodeId }), signature)
  } catch (err) {
    throw options.invalid('signature', 'is not a valid secp256k1 signature', err)
  }
  if (nodeIdFromPublicKey(publicKey) !== nodeId) {
    throw options.invalid('signature', `was not made by node ${nodeId} for registry ${scope.registry}, chain ${scope.chainId.toString()}, kind ${kindName} and provider ${scope.provider}; have the node operator run \`rdisc registry consent\` with exactly these`)
  }
  return { kindId: scope.kindId, nodeId, nodePublicKey: `0x${publicKey.slice(4)}`, signature }
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
    const scope = { registry: registry.address, chainId: rpc.chainId, kindId: kind.kindId, provider }
    const consent = nodeKey === undefined ? consentFromSignature(context, kind.name, scope) : createNodeConsent(nodeKey.privateKey, scope)
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
