import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseNodePrivateKey, resourceKindId } from '@resource-discovery/core'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { createRpcProvider, ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { expect } from 'chai'
import type { JsonRpcProvider } from 'ethers'
import { parseJson, rdisc, stopAllRdisc, type JsonDocument, type RdiscExit } from './support/rdisc-process.js'

const NODE_KEYS = [
  '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba'
]
const MAILSERVER_ID = resourceKindId('mailserver')

interface Transaction { hash: string, blockNumber: number, gasUsed: string, events: Array<{ name: string, args: Record<string, unknown> }> }

/** What `consent` and `withdraw` (without a sending key) print with --json. */
interface Signed extends JsonDocument { nodeId: string, signature: string, chainId: number, nonce: number, deadline: number }

/** The flags that hand a node's signature made elsewhere to add-resource or withdraw. */
function signedFlags (signed: Pick<Signed, 'nodeId' | 'nonce' | 'deadline' | 'signature'>): string[] {
  return ['--node-id', signed.nodeId, '--nonce', String(signed.nonce), '--deadline', String(signed.deadline), '--signature', signed.signature]
}

/** The one JSON document of a successful run. */
function ok (exit: RdiscExit): JsonDocument {
  expect(exit.code, `exit code\nstdout: ${exit.stdout}\nstderr: ${exit.stderr}`).to.equal(0)
  return parseJson(exit)
}

describe('rdisc registry', function () {
  this.timeout(30_000)
  let chain: DevChain
  let ethers: JsonRpcProvider
  let dir: string
  let env: Record<string, string>
  let curator: string
  let provider: string
  let applicant: string
  let reader: ResourceRegistryClient
  const nodes = NODE_KEYS.map((key) => ({ key, nodeId: `0x${parseNodePrivateKey(key).nodeId}` }))
  const keyFile = (name: string): string => join(dir, name)

  before(async () => {
    chain = await startDevChain({ accountCount: 3 })
    ethers = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, batch: false, pollingIntervalMs: 50 })
    dir = await mkdtemp(join(tmpdir(), 'rdisc-registry-'))
    const [curatorAccount, providerAccount, applicantAccount] = chain.accounts
    curator = curatorAccount!.address
    provider = providerAccount!.address
    applicant = applicantAccount!.address
    await writeFile(keyFile('curator.key'), curatorAccount!.privateKey, { mode: 0o600 })
    await writeFile(keyFile('provider.key'), providerAccount!.privateKey, { mode: 0o600 })
    await writeFile(keyFile('applicant.key'), applicantAccount!.privateKey, { mode: 0o600 })
    for (const [index, node] of nodes.entries()) {
      await writeFile(keyFile(`node-${index}.key`), `${node.key}\n`, { mode: 0o600 })
    }
    env = { RDISC_RPC_URL: chain.rpcUrl, RDISC_CURATOR_KEY_FILE: keyFile('curator.key'), RDISC_PROVIDER_KEY_FILE: keyFile('provider.key') }
  })

  afterEach(stopAllRdisc)

  after(async () => {
    ethers.destroy()
    await chain.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: deploy prints the new registry\'s address, deployment block and chain id, the curator being the signing account', async () => {
    await chain.mine(3)
    const deployed = ok(await rdisc(['registry', 'deploy', '--json'], { env })) as {
      address: string, registry: string, deploymentBlock: number, curator: string, chainId: string, transaction: Transaction
    }
    expect(deployed.curator).to.equal(curator)
    expect(deployed.chainId).to.equal('31337')
    expect(deployed.registry).to.equal(deployed.address)
    expect(deployed.deploymentBlock).to.equal(deployed.transaction.blockNumber).and.to.be.above(3)
    expect(deployed.transaction.events.map((event) => event.name)).to.deep.equal(['CuratorTransferred'])
    reader = new ResourceRegistryClient(deployed.address, ethers)
    expect(await reader.curator()).to.equal(curator)
    expect(await reader.deploymentBlock(), 'the contract\'s own record').to.equal(deployed.deploymentBlock)
    env.RDISC_REGISTRY = deployed.address

    const text = await rdisc(['registry', 'deploy'], { env })
    expect(text.code, text.stderr).to.equal(0)
    const again = /registry deployed at (0x[0-9a-fA-F]{40}) on chain 31337 in block (\d+), curator (0x[0-9a-fA-F]{40})/.exec(text.stdout)
    expect(again, text.stdout).to.not.equal(null)
    expect(Number(again?.[2])).to.equal(await new ResourceRegistryClient(again?.[1] ?? '', ethers).deploymentBlock())
    expect(again?.[3]).to.equal(curator)
    expect(text.stdout).to.contain(`export RDISC_REGISTRY=${again?.[1]}`)
  })

  it('behavior: a provider applies and the curator approves it; approving twice reverts with the contract\'s reason, exit 1', async () => {
    const applied = ok(await rdisc(['registry', 'apply', '--name', 'Acme mail', '--metadata-uri', 'https://acme.example/provider.json', '--json'], { env }))
    expect(applied).to.include({ provider, name: 'Acme mail', status: 'pending' })
    const approved = ok(await rdisc(['registry', 'approve', provider, '--json'], { env }))
    expect(approved).to.include({ provider, action: 'approved', status: 'approved' })
    expect((await reader.getProvider(provider)).status).to.equal('approved')

    const again = await rdisc(['registry', 'approve', provider], { env })
    expect(again.code).to.equal(1)
    expect(again.stderr.trim()).to.match(/^rdisc: approveProvider reverted with ProviderNotPending\(provider=0x70997970C51812dc3A010C7d01b50e0d17dc79C8, status=approved\)\. Only a pending application can be approved or rejected/)
    expect(again.stderr.trim().split('\n')).to.have.length(1)
  })

  it('behavior: add-resource registers a node with the consent signed from its key file', async () => {
    const added = ok(await rdisc(['registry', 'add-resource', '--kind', 'mailserver', '--node-key-file', keyFile('node-0.key'), '--json'], { env })) as { nodeId: string, provider: string, transaction: Transaction }
    expect(added.nodeId).to.equal(nodes[0]!.nodeId)
    expect(added.provider).to.equal(provider)
    expect(added.transaction.events.map((event) => event.name)).to.deep.equal(['ResourceAdded'])
    expect(await reader.isVerified(MAILSERVER_ID, nodes[0]!.nodeId, provider)).to.equal(true)
  })

  it('behavior: add-resource takes a consent signed beforehand where the node key is (consent), and refuses one for another kind', async () => {
    // the node operator signs, with nothing but the node key and the chain id asked of the RPC endpoint
    const consent = ok(await rdisc(
      ['registry', 'consent', '--kind', 'mailserver', '--provider', provider, '--json'],
      { env: { RDISC_RPC_URL: chain.rpcUrl, RDISC_REGISTRY: env.RDISC_REGISTRY, RDISC_NODE_KEY_FILE: keyFile('node-1.key') } }
    )) as Signed
    expect(consent.nodeId).to.equal(nodes[1]!.nodeId)
    expect(consent.chainId).to.equal(31337)
    expect(consent.nonce, 'the node\'s nonce, asked of the registry').to.equal(0)
    const latest = (await ethers.getBlock('latest'))?.timestamp ?? 0
    expect(consent.deadline, 'an hour (--valid-for) from the latest block').to.be.within(latest + 3590, latest + 3600)

    const wrongKind = await rdisc(['registry', 'add-resource', '--kind', 'push', ...signedFlags(consent)], { env })
    expect(wrongKind.code).to.equal(2)
    expect(wrongKind.stderr).to.contain(`rdisc: --signature: was not made by node ${consent.nodeId} for registry ${env.RDISC_REGISTRY ?? ''}, chain 31337, kind push, provider ${provider}, nonce 0 and deadline ${consent.deadline}`)
    expect(await reader.isRegistered(resourceKindId('push'), consent.nodeId, provider)).to.equal(false)
    const noDeadline = await rdisc(['registry', 'add-resource', '--kind', 'mailserver', '--node-id', consent.nodeId, '--nonce', '0', '--signature', consent.signature], { env })
    expect(noDeadline.code, 'the deadline is part of what was signed').to.equal(2)
    expect(noDeadline.stderr).to.contain('--deadline')

    // the provider registers it, the node id given without 0x as discv5 prints it
    const added = ok(await rdisc(['registry', 'add-resource', '--kind', 'mailserver', ...signedFlags({ ...consent, nodeId: consent.nodeId.slice(2) }), '--json'], { env })) as { nodeId: string }
    expect(added.nodeId).to.equal(nodes[1]!.nodeId)
    expect(await reader.isVerified(MAILSERVER_ID, nodes[1]!.nodeId, provider)).to.equal(true)
  })

  it('behavior: list shows each provider with status, name, metadata and resources per kind', async () => {
    const listed = ok(await rdisc(['registry', 'list', '--json'], { env })) as { registry: string, curator: string, providers: Array<Record<string, unknown>> }
    expect(listed.registry).to.equal(env.RDISC_REGISTRY)
    expect(listed.curator).to.equal(curator)
    expect(listed.providers).to.have.length(1)
    const [entry] = listed.providers
    expect(entry).to.include({ address: provider, status: 'approved', name: 'Acme mail', metadataUri: 'https://acme.example/provider.json' })
    expect((entry!.resources as Record<string, string[]>).mailserver).to.have.members(nodes.map((node) => node.nodeId))
    expect((entry!.resources as Record<string, string[]>).push).to.deep.equal([])

    const text = await rdisc(['registry', 'list', '--kind', 'mailserver'], { env })
    expect(text.code, text.stderr).to.equal(0)
    expect(text.stdout).to.match(new RegExp(`^${provider}\\s+approved\\s+Acme mail\\s+mailserver 2\\s+https://acme\\.example/provider\\.json$`, 'm'))
    for (const node of nodes) {
      expect(text.stdout).to.match(new RegExp(`^${provider}\\s+mailserver\\s+${node.nodeId}$`, 'm'))
    }
  })

  it('behavior: suspend stops the provider\'s resources from verifying, reinstate brings them back', async () => {
    expect(ok(await rdisc(['registry', 'suspend', provider, '--json'], { env }))).to.include({ action: 'suspended', status: 'suspended' })
    expect(await reader.isVerified(MAILSERVER_ID, nodes[0]!.nodeId, provider)).to.equal(false)
    expect(ok(await rdisc(['registry', 'reinstate', provider, '--json'], { env }))).to.include({ action: 'reinstated', status: 'approved' })
    expect(await reader.isVerified(MAILSERVER_ID, nodes[0]!.nodeId, provider)).to.equal(true)
  })

  it('behavior: remove-resource removes one node the provider registered', async () => {
    const removed = ok(await rdisc(['registry', 'remove-resource', '--kind', 'mailserver', '--node-id', nodes[0]!.nodeId, '--json'], { env })) as { nodeId: string, transaction: Transaction }
    expect(removed.nodeId).to.equal(nodes[0]!.nodeId)
    expect(removed.transaction.events.map((event) => event.name)).to.deep.equal(['ResourceRemoved'])
    expect(await reader.isRegistered(MAILSERVER_ID, nodes[0]!.nodeId, provider)).to.equal(false)
    expect(await reader.isRegistered(MAILSERVER_ID, nodes[1]!.nodeId, provider)).to.equal(true)
  })

  it('error: a consent works once and until its deadline: a replayed or expired one exits 1 with the contract\'s reason', async function () {
    // eight to eleven rdisc runs, each a process start
    this.timeout(150_000)
    const nodeEnv = { RDISC_REGISTRY: env.RDISC_REGISTRY ?? '', RDISC_NODE_KEY_FILE: keyFile('node-0.key') }
    const consent = ok(await rdisc(['registry', 'consent', '--kind', 'mailserver', '--provider', provider, '--json'], { env: { ...nodeEnv, RDISC_RPC_URL: chain.rpcUrl } })) as Signed
    expect(consent.nonce, 'node 0 was added once').to.equal(1)
    ok(await rdisc(['registry', 'add-resource', '--kind', 'mailserver', ...signedFlags(consent), '--json'], { env }))
    ok(await rdisc(['registry', 'remove-resource', '--kind', 'mailserver', '--node-id', consent.nodeId, '--json'], { env }))
    const replayed = await rdisc(['registry', 'add-resource', '--kind', 'mailserver', ...signedFlags(consent)], { env })
    expect(replayed.code, replayed.stderr).to.equal(1)
    expect(replayed.stderr).to.match(/^rdisc: addResource reverted with InvalidNodeNonce\(nodeId=0x[0-9a-f]{64}, expected=2, given=1\)\. The signature names another nonce/)
    expect(await reader.isRegistered(MAILSERVER_ID, consent.nodeId, provider)).to.equal(false)

    // signed without an RPC endpoint: chain id and nonce given, a deadline long past
    const expired = ok(await rdisc(['registry', 'consent', '--kind', 'mailserver', '--provider', provider, '--chain-id', '31337', '--nonce', '2', '--deadline', '1000', '--json'], { env: nodeEnv })) as Signed
    expect(expired).to.include({ nonce: 2, deadline: 1000 })
    const late = await rdisc(['registry', 'add-resource', '--kind', 'mailserver', ...signedFlags(expired)], { env })
    expect(late.code, late.stderr).to.equal(1)
    expect(late.stderr).to.match(/^rdisc: addResource reverted with SignatureExpired\(deadline=1000, blockTimestamp=\d+\)\. The node's signed consent or withdrawal is past its deadline/)
    const offline = await rdisc(['registry', 'consent', '--kind', 'mailserver', '--provider', provider, '--chain-id', '31337'], { env: nodeEnv })
    expect(offline.code, 'without --rpc-url the nonce must be given').to.equal(2)
    expect(offline.stderr).to.contain('--nonce')
  })

  it('behavior: withdraw: the node signs its withdrawal, any account sends it, and the provider\'s registration is gone; a replay exits 1', async function () {
    // eight to eleven rdisc runs, each a process start
    this.timeout(150_000)
    const node = nodes[1]!
    expect(await reader.isVerified(MAILSERVER_ID, node.nodeId, provider)).to.equal(true)
    const nodeEnv = { RDISC_RPC_URL: chain.rpcUrl, RDISC_REGISTRY: env.RDISC_REGISTRY ?? '' }
    // where the node key is: without a sending key, it is only signed and printed
    const signed = ok(await rdisc(['registry', 'withdraw', '--kind', 'mailserver', '--provider', provider, '--node-key-file', keyFile('node-1.key'), '--json'], { env: nodeEnv })) as Signed
    expect(signed).to.include({ nodeId: node.nodeId, nonce: 1, chainId: 31337 })
    const text = await rdisc(['registry', 'withdraw', '--kind', 'mailserver', '--provider', provider, '--node-key-file', keyFile('node-1.key')], { env: nodeEnv })
    expect(text.stdout).to.contain(`rdisc registry withdraw --kind mailserver --provider ${provider} --node-id ${node.nodeId} --nonce 1 --deadline `)
    expect(await reader.isVerified(MAILSERVER_ID, node.nodeId, provider), 'signing alone changes nothing').to.equal(true)

    // a signature by another node's key is refused before anything is sent
    const byOther = ok(await rdisc(['registry', 'withdraw', '--kind', 'mailserver', '--provider', provider, '--node-key-file', keyFile('node-0.key'), '--json'], { env: nodeEnv })) as Signed
    const forged = await rdisc(['registry', 'withdraw', '--kind', 'mailserver', '--provider', provider, ...signedFlags({ ...byOther, nodeId: node.nodeId, nonce: 1 }), '--key-file', keyFile('applicant.key')], { env: nodeEnv })
    expect(forged.code, forged.stderr).to.equal(2)
    expect(forged.stderr).to.contain(`rdisc: --signature: is not node ${node.nodeId}'s withdrawal`)

    // anyone relays it: here the applicant's account, neither the provider nor the node
    const sent = ok(await rdisc(['registry', 'withdraw', '--kind', 'mailserver', '--provider', provider, ...signedFlags(signed), '--key-file', keyFile('applicant.key'), '--json'], { env: nodeEnv })) as { sender: string, transaction: Transaction }
    expect(sent.sender).to.equal(applicant)
    expect(sent.transaction.events).to.deep.equal([{ name: 'ResourceRemoved', args: { kindId: MAILSERVER_ID, nodeId: node.nodeId, provider } }])
    expect(await reader.isRegistered(MAILSERVER_ID, node.nodeId, provider)).to.equal(false)
    expect(await reader.checkResources(MAILSERVER_ID, [node.nodeId], [provider])).to.deep.equal([undefined])

    const replayed = await rdisc(['registry', 'withdraw', '--kind', 'mailserver', '--provider', provider, ...signedFlags(signed), '--key-file', keyFile('applicant.key')], { env: nodeEnv })
    expect(replayed.code, replayed.stderr).to.equal(1)
    expect(replayed.stderr).to.match(/^rdisc: withdrawResource reverted with InvalidNodeNonce\(nodeId=0x[0-9a-f]{64}, expected=2, given=1\)/)

    // signed and sent in one go, with the node key and a sending key
    ok(await rdisc(['registry', 'add-resource', '--kind', 'mailserver', '--node-key-file', keyFile('node-1.key'), '--json'], { env }))
    const direct = ok(await rdisc(['registry', 'withdraw', '--kind', 'mailserver', '--provider', provider, '--node-key-file', keyFile('node-1.key'), '--key-file', keyFile('applicant.key'), '--json'], { env: nodeEnv })) as { nodeId: string }
    expect(direct.nodeId).to.equal(node.nodeId)
    expect(await reader.isRegistered(MAILSERVER_ID, node.nodeId, provider)).to.equal(false)
  })

  it('behavior: the curator rejects a pending application', async () => {
    ok(await rdisc(['registry', 'apply', '--name', 'Fly-by-night', '--json'], { env: { ...env, RDISC_PROVIDER_KEY_FILE: keyFile('applicant.key') } }))
    expect(ok(await rdisc(['registry', 'reject', applicant, '--json'], { env }))).to.include({ provider: applicant, action: 'rejected', status: 'rejected' })
    expect((await reader.getProvider(applicant)).status).to.equal('rejected')
  })
})
