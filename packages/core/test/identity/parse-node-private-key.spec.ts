import { expect } from 'chai'
import { InvalidConfigurationError, parseNodePrivateKey } from '../../src/index.js'

const EIP778_PRIVATE_KEY = 'b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291'
const EIP778_NODE_ID = 'a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7'

describe('parseNodePrivateKey', () => {
  it('behavior: derives the identity of the key (EIP-778 vector)', () => {
    const key = parseNodePrivateKey(`0x${EIP778_PRIVATE_KEY}`)
    expect(key.nodeId).to.equal(EIP778_NODE_ID)
    expect(key.peerId).to.match(/^16Uiu2/)
    expect(Buffer.from(key.privateKey).toString('hex')).to.equal(EIP778_PRIVATE_KEY)
  })

  it('args: bytes, hex and 0x-hex give the same key', () => {
    const fromBytes = parseNodePrivateKey(Buffer.from(EIP778_PRIVATE_KEY, 'hex'))
    expect(parseNodePrivateKey(EIP778_PRIVATE_KEY)).to.deep.equal(fromBytes)
    expect(parseNodePrivateKey(`0X${EIP778_PRIVATE_KEY.toUpperCase()}`).nodeId).to.equal(fromBytes.nodeId)
  })

  for (const [key, problem] of [
    ['1234', /32 bytes, got 2/],
    ['zz'.repeat(32), /as hex/],
    ['00'.repeat(32), /not a valid secp256k1 private key/],
    ['ff'.repeat(32), /not a valid secp256k1 private key/]
  ] as const) {
    it(`error: ${key.slice(0, 8)}... is refused naming the option`, () => {
      expect(() => parseNodePrivateKey(key, 'servers[0].key')).to.throw(InvalidConfigurationError, problem)
      try {
        parseNodePrivateKey(key, 'servers[0].key')
      } catch (err) {
        expect((err as InvalidConfigurationError).option).to.equal('servers[0].key')
      }
    })
  }
})
