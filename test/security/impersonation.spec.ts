/**
 * Security suite, impersonation: an attacker re-publishes a registered
 * node's ENR with its own address, serves at the registered node's address,
 * or presents the registered node's id with another key. Real servers on
 * 127.0.0.1, a real registry on anvil.
 *
 * The registry vouches for a node id; the node id is keccak256 of the key
 * that signs the ENR and that the noise handshake proves. So each attack has
 * to break one of: the ENR signature check (core `decodeEnr`), the node id
 * derivation from the key, or the identity check of the connection
 * (`ClientHost`, noise dialled with the verified peer id).
 */
import { ClientHost, IdentityMismatchError } from '@resource-discovery/client-host'
import {
  createResourceContainer, decodeEnr, InvalidConfigurationError, InvalidEnrSignatureError, ResourceClient, ResourceKindContribution,
  resourceFromRecord, type Resource
} from '@resource-discovery/core'
import { createNodeKey, createNodeRecord, type NodeKey } from '@resource-discovery/testkit'
import { ResourceServer, type ResourceStream } from '@resource-discovery/server'
import { expect } from 'chai'
import { decodeRlp, encodeRlp, getBytes, keccak256, SigningKey, toBeHex, type RlpStructuredData } from 'ethers'
import { ContainerModule } from 'inversify'
import { mail, startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'
import { verdictOf, Verifiers } from '../support/verifier-support.js'

const PROTOCOL = '/rd-security/whoami/1.0.0'
const QUIET_DISCV5 = { registrar: false, bootstrapLookup: false, requestTimeoutMs: 500 } as const

/** The ENR text of an RLP list `[signature, seq, k, v, ...]`. */
function enrText (list: RlpStructuredData): string {
  return `enr:${Buffer.from(getBytes(encodeRlp(list))).toString('base64url')}`
}

/** The RLP list of an ENR text. */
function enrList (text: string): string[] {
  return decodeRlp(Buffer.from(text.slice('enr:'.length), 'base64url')) as string[]
}

/** `list` with the value of `key` replaced (keys are hex of their ASCII name). */
function withEntry (list: readonly string[], key: string, value: string): string[] {
  const keyHex = `0x${Buffer.from(key).toString('hex')}`
  const copy = [...list]
  for (let index = 2; index < copy.length; index += 2) {
    if (copy[index] === keyHex) {
      copy[index + 1] = value
      return copy
    }
  }
  throw new Error(`no ${key} entry`)
}

/** Signs the content `[seq, k, v, ...]` with `key` by the v4 scheme (keccak256, 64-byte r ‖ s) and returns the ENR text. */
function signV4 (content: readonly string[], key: NodeKey): string {
  const signature = new SigningKey(key.privateKeyHex).sign(keccak256(encodeRlp([...content])))
  return enrText([`${signature.r}${signature.s.slice(2)}`, ...content])
}

const port = (value: number): string => toBeHex(value)

describe('Impersonation of a registered node', function () {
  this.timeout(30_000)
  let scenario: RegistryScenario
  const verifiers = new Verifiers(() => scenario)
  const servers: ResourceServer[] = []
  const hosts: ClientHost[] = []
  /** Requests each server's handler received, by peer id. */
  const served = new Map<string, number>()

  /** A started server on `key` that answers its own peer id, counting what it receives. */
  async function server (key: NodeKey, tcpPort = 0): Promise<ResourceServer> {
    const started = new ResourceServer({ privateKey: key.privateKey, tcpPort, discv5: QUIET_DISCV5, kinds: [mail] })
    servers.push(started)
    await started.handle(PROTOCOL, async (stream: ResourceStream) => {
      await stream.read()
      served.set(started.peerId, (served.get(started.peerId) ?? 0) + 1)
      await stream.write(new TextEncoder().encode(started.peerId))
    })
    await started.start()
    return started
  }

  async function clientHost (): Promise<ClientHost> {
    const host = new ClientHost({ dialTimeoutMs: 3000 })
    hosts.push(host)
    await host.start()
    return host
  }

  /** Whom `resource` reached: the peer id its server answered with. */
  async function whoAnswers (host: ClientHost, resource: Pick<Resource, 'peerId' | 'multiaddrs'>): Promise<string> {
    return new TextDecoder().decode(await host.request(resource, PROTOCOL, Uint8Array.of(1)))
  }

  let genuineKey: NodeKey
  let genuine: ResourceServer
  /** The registered node as a client discovers it, from its own signed ENR. */
  let registered: Resource

  before(async () => {
    scenario = await startRegistryScenario()
  })

  beforeEach(async () => {
    served.clear()
    genuineKey = createNodeKey()
    genuine = await server(genuineKey)
    registered = resourceFromRecord(mail, decodeEnr(genuine.enr), 'discv5')
    const node: TestNode = { key: genuineKey, resource: registered }
    await scenario.register(scenario.alice, node)
  })

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map(async (host) => { await host.stop() }))
    await Promise.all(servers.splice(0).map(async (started) => { await started.stop() }))
    await verifiers.stopAll()
  })

  after(async () => {
    await scenario.stop()
  })

  describe('(a) the registered node\'s ENR re-published with another address', () => {
    // guards: the ENR signature check in core decodeEnr (InvalidEnrSignatureError), the only
    // door through which an ENR becomes a Resource (static servers, discv5, the cache).
    it('error: changing ip, tcp, udp, seq or the kinds without the node\'s key breaks the signature: InvalidEnrSignatureError', async () => {
      const attacker = await server(createNodeKey())
      const original = enrList(genuine.enr)
      expect(decodeEnr(enrText(original)).nodeId, 'the RLP round trip alone keeps the record valid').to.equal(registered.nodeId)
      const forgeries: Record<string, string[]> = {
        tcp: withEntry(original, 'tcp', port(attacker.tcpPort ?? 1)),
        ip: withEntry(original, 'ip', '0x0a000001'),
        udp: withEntry(original, 'udp', port(attacker.udpPort ?? 1)),
        seq: [original[0] as string, toBeHex(BigInt(original[1] as string) + 1n), ...original.slice(2)],
        'the kind list (rd)': withEntry(original, 'rd', '0xdeadbeef')
      }
      for (const [field, list] of Object.entries(forgeries)) {
        const err = (() => { try { return decodeEnr(enrText(list)) } catch (e) { return e } })()
        expect(err, field).to.be.instanceOf(InvalidEnrSignatureError)
        expect((err as Error).name).to.equal('InvalidEnrSignatureError')
      }
      // and a client configured with such a record refuses it at once
      const forged = enrText(forgeries.tcp as string[])
      const build = (): unknown => createResourceContainer({
        modules: [new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(mail) })],
        servers: [{ kind: 'mailserver', address: forged }]
      }).get(ResourceClient)
      expect(build).to.throw(InvalidConfigurationError, 'signature')
    })

    // guards: ClientHost dialling with the verified peer id (noise refuses another key,
    // IdentityMismatchError). The registry cannot help here: the ENR is the genuine, registered one.
    it('error: an attacker serving at the ENR\'s own address (the node went away) is refused with IdentityMismatchError; nothing is sent', async () => {
      const verifier = verifiers.make()
      await verifier.start()
      expect((await verdictOf(verifier, registered)).trusted, 'the genuine ENR is registered').to.equal(true)
      const address = genuine.tcpPort as number
      await genuine.stop()
      const attacker = await server(createNodeKey(), address)
      expect(attacker.tcpPort).to.equal(address)

      const host = await clientHost()
      const err = await whoAnswers(host, registered).catch((e: unknown) => e)

      expect(err).to.be.instanceOf(IdentityMismatchError)
      expect((err as IdentityMismatchError).expectedPeerId).to.equal(registered.peerId)
      expect((err as IdentityMismatchError).details.address).to.equal(`/ip4/127.0.0.1/tcp/${address}`)
      expect(served.get(attacker.peerId) ?? 0, 'requests the attacker received').to.equal(0)
    })
  })

  describe('(b) an attacker\'s address presented with the registered node\'s peer id', () => {
    // guards: ClientHost's identity check (noise with the expected peer id, then the remote peer
    // compared with the resource's). A multiaddr is not signed: the registry trusts the peer id in it.
    it('error: a static server entry naming the registered peer id at the attacker\'s address verifies, but the connection is refused before any request', async () => {
      const attacker = await server(createNodeKey())
      const container = createResourceContainer({
        modules: [new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(mail) })],
        registry: { rpcUrl: scenario.proxy.url, registryAddress: scenario.registry.address, defaultProvider: scenario.alice.address, pollIntervalMs: 50 },
        servers: [{ kind: 'mailserver', address: `/ip4/127.0.0.1/tcp/${attacker.tcpPort}/p2p/${registered.peerId}` }]
      })
      const client = container.get(ResourceClient)
      await client.start()
      try {
        const { selected } = await client.find('mailserver')
        // the registry vouches for the node id, whoever listens at the address
        expect(selected.resource.nodeId).to.equal(registered.nodeId)
        expect(selected.resource.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/${attacker.tcpPort}/p2p/${registered.peerId}`])

        const host = await clientHost()
        const err = await whoAnswers(host, selected.resource).catch((e: unknown) => e)

        expect(err).to.be.instanceOf(IdentityMismatchError)
        expect((err as IdentityMismatchError).expectedPeerId).to.equal(registered.peerId)
        expect(served.get(attacker.peerId) ?? 0, 'requests the attacker received').to.equal(0)
      } finally {
        await client.stop()
      }
    })

    it('behavior: with the attacker\'s address listed first, the client skips it and reaches the genuine node', async () => {
      const attacker = await server(createNodeKey())
      const host = await clientHost()
      const resource = { peerId: registered.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${attacker.tcpPort}`, ...registered.multiaddrs] }

      expect(await whoAnswers(host, resource)).to.equal(registered.peerId)
      expect(served.get(attacker.peerId) ?? 0).to.equal(0)
      expect(served.get(registered.peerId)).to.equal(1)
    })
  })

  describe('(c) an ENR signed by the attacker that claims the registered node', () => {
    // guards: decodeEnr verifying the signature against the record's own secp256k1 entry, the key
    // the node id is derived from.
    it('error: the registered node\'s public key in the secp256k1 field, signed by the attacker: InvalidEnrSignatureError', async () => {
      const attacker = createNodeKey()
      const original = enrList(genuine.enr)
      const content = withEntry(original, 'tcp', port(1234)).slice(1)
      // control: the same content signed by the genuine key is a valid record of the registered node
      expect(decodeEnr(signV4(content, genuineKey)).nodeId).to.equal(registered.nodeId)

      const err = (() => { try { return decodeEnr(signV4(content, attacker)) } catch (e) { return e } })()

      expect(err).to.be.instanceOf(InvalidEnrSignatureError)
    })

    // guards: the node id derived from the record's key (identityFromPublicKey), never read from a
    // field, and the registry looked up by that id.
    it('error: the registered node id and peer id carried in extra fields name the attacker\'s own node, which the registry rejects', async () => {
      const attackerKey = createNodeKey()
      const attacker = await server(attackerKey)
      const claim = createNodeRecord({
        key: attackerKey,
        tcp: attacker.tcpPort ?? 1,
        entries: {
          nodeid: Buffer.from(registered.nodeId, 'hex'),
          peerid: new TextEncoder().encode(registered.peerId),
          id2: Buffer.from(registered.publicKey, 'hex')
        }
      })
      const resource = resourceFromRecord(mail, decodeEnr(claim.enr), 'discv5')
      expect(resource.nodeId).to.not.equal(registered.nodeId)
      expect(resource.nodeId).to.equal(attacker.nodeId)
      expect(resource.peerId).to.equal(attacker.peerId)

      const indexed = verifiers.make()
      await indexed.start()
      const cold = verifiers.make()
      for (const verifier of [indexed, cold]) {
        const verdict = await verdictOf(verifier, resource)
        expect(verdict.trusted).to.equal(false)
        expect(verdict.reason).to.match(/not registered as mailserver/)
      }
      // the control: the registered node itself is trusted by both
      expect((await verdictOf(indexed, registered)).trusted).to.equal(true)
      expect((await verdictOf(cold, registered)).trusted).to.equal(true)
    })
  })
})
