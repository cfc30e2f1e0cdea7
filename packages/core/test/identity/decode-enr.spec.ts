import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { decodeEnr, identityFromPublicKey, InvalidEnrError, InvalidEnrSignatureError } from '../../src/index.js'

/** The example record of EIP-778 (private key b71c71a6...f291, 127.0.0.1, udp 30303). */
const EIP778_ENR = 'enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8'
const EIP778_NODE_ID = 'a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7'

function expectThrows (action: () => unknown, type: new (...args: never[]) => Error): Error {
  try {
    action()
  } catch (err) {
    expect(err).to.be.instanceOf(type)
    return err as Error
  }
  throw new Error(`expected ${type.name}`)
}

describe('decodeEnr', () => {
  it('behavior: decodes the EIP-778 example record', () => {
    const record = decodeEnr(EIP778_ENR)
    expect(record.nodeId).to.equal(EIP778_NODE_ID)
    expect(record.ip).to.equal('127.0.0.1')
    expect(record.udp).to.equal(30303)
    expect(record.tcp).to.equal(undefined)
    expect(record.seq).to.equal(1n)
    expect(record.peerId).to.match(/^16Uiu2/)
    expect(record.entries.get('id')).to.deep.equal(new TextEncoder().encode('v4'))
  })

  it('behavior: node id, public key and peer id are one identity', () => {
    const record = createNodeRecord({ tcp: 4001 })
    const identity = identityFromPublicKey(record.publicKey)
    expect(identity).to.deep.equal({ nodeId: record.nodeId, publicKey: record.publicKey, peerId: record.peerId })
    expect(record.tcp).to.equal(4001)
  })

  it('args: surrounding whitespace is ignored', () => {
    expect(decodeEnr(`  ${EIP778_ENR}\n`).nodeId).to.equal(EIP778_NODE_ID)
  })

  it('error: text without the "enr:" prefix', () => {
    const err = expectThrows(() => decodeEnr(EIP778_ENR.slice(4)), InvalidEnrError)
    expect(err.name).to.equal('InvalidEnrError')
    expect(err.message).to.contain('"enr:"')
  })

  it('error: characters outside base64url', () => {
    expectThrows(() => decodeEnr('enr:abc$def'), InvalidEnrError)
  })

  it('error: a truncated record', () => {
    expectThrows(() => decodeEnr(EIP778_ENR.slice(0, 60)), InvalidEnrError)
  })

  it('error: a record longer than 300 bytes', () => {
    expectThrows(() => decodeEnr(`enr:${'A'.repeat(500)}`), InvalidEnrError)
  })

  it('error: base64 that is not RLP', () => {
    expectThrows(() => decodeEnr(`enr:${Buffer.from('not an rlp list at all').toString('base64url')}`), InvalidEnrError)
  })

  it('behavior: decodes a record of sequence number 0 (EIP-1459\'s example tree holds one), its signature checked', () => {
    // enr:...MHTDO6TMUBRIA2XWG5LUDACK24 of EIP-1459's example zone: seq 0, an empty RLP string
    const text = 'enr:-HW4QLAYqmrwllBEnzWWs7I5Ev2IAs7x_dZlbYdRdMUx5EyKHDXp7AV5CkuPGUPdvbv1_Ms1CPfhcGCvSElSosZmyoqAgmlkgnY0iXNlY3AyNTZrMaECriawHKWdDRk2xeZkrOXBQ0dfMFLHY4eENZwdufn1S1o'
    const record = decodeEnr(text)
    expect(record.seq).to.equal(0n)
    expect(record.nodeId).to.equal('ec9e57753dbd7a5d0c6c0b34ec6ad66cee0237b9d034d77cd135ebe5b814aba6')
    expect(record.enr).to.equal(text)
    const bytes = Buffer.from(text.slice(4), 'base64url')
    // the signature's first byte
    bytes[4] = (bytes[4] ?? 0) ^ 0x01
    expectThrows(() => decodeEnr(`enr:${bytes.toString('base64url')}`), InvalidEnrSignatureError)
  })

  it('error: a record whose content was altered fails its signature', () => {
    const record = createNodeRecord({ udp: 9000 })
    const bytes = Buffer.from(record.enr.slice(4), 'base64url')
    // change the udp port's last byte (the record ends with the udp value)
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01
    const err = expectThrows(() => decodeEnr(`enr:${bytes.toString('base64url')}`), InvalidEnrSignatureError)
    expect(err.name).to.equal('InvalidEnrSignatureError')
  })

  it('behavior: a text decoded before is answered again, as a copy of its own: altering one answer leaves the next intact', () => {
    const record = createNodeRecord({ udp: 9001 })
    const first = decodeEnr(record.enr)
    // a caller that casts the read-only entries away and writes to them
    ;(first.entries as Map<string, Uint8Array>).set('udp', new Uint8Array([0]))
    ;(first.entries.get('secp256k1') as Uint8Array)[0] = 0
    const second = decodeEnr(record.enr)
    expect(second).to.not.equal(first)
    expect(second.nodeId).to.equal(record.nodeId)
    expect(second.udp).to.equal(9001)
    expect(second.entries.get('udp')).to.deep.equal(new Uint8Array([0x23, 0x29]))
    expect((second.entries.get('secp256k1') as Uint8Array)[0]).to.be.oneOf([2, 3])
  })

  it('error: a record altered after its original was decoded still fails its signature', () => {
    const record = createNodeRecord({ udp: 9002 })
    decodeEnr(record.enr)
    const bytes = Buffer.from(record.enr.slice(4), 'base64url')
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01
    expectThrows(() => decodeEnr(`enr:${bytes.toString('base64url')}`), InvalidEnrSignatureError)
  })
})
