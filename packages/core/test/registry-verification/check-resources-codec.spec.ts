import { expect } from 'chai'
import { getAddress, id, Interface, keccak256, toUtf8Bytes, ZeroAddress } from 'ethers'
import { decodeAddressArray, encodeCheckResources, resourceRegistryAbi } from '../../src/index.js'

const registry = new Interface(resourceRegistryAbi)
const nodeIds = Array.from({ length: 5 }, (_value, index) => keccak256(toUtf8Bytes(`node ${index}`)).slice(2))
const providers = [getAddress(`0x${'ab'.repeat(20)}`), getAddress(`0x${'0c'.repeat(20)}`)] as const

describe('encodeCheckResources', () => {
  it('behavior: writes the same calldata as ethers', () => {
    const expected = registry.encodeFunctionData('checkResources', [id('mailserver'), nodeIds.map((nodeId) => `0x${nodeId}`), providers])
    expect(encodeCheckResources(id('mailserver'), nodeIds, providers)).to.equal(expected)
  })

  it('args: empty lists', () => {
    expect(encodeCheckResources(id('push'), [], [])).to.equal(registry.encodeFunctionData('checkResources', [id('push'), [], []]))
  })
})

describe('decodeAddressArray', () => {
  it('behavior: reads what ethers writes, zero address as undefined, others checksummed', () => {
    const answer = [providers[0], ZeroAddress, providers[1].toLowerCase(), ZeroAddress]
    const data = registry.encodeFunctionResult('checkResources', [answer])
    expect(decodeAddressArray(data)).to.deep.equal([providers[0], undefined, providers[1], undefined])
  })

  it('args: an empty list', () => {
    expect(decodeAddressArray(registry.encodeFunctionResult('checkResources', [[]]))).to.deep.equal([])
  })

  it('error: malformed data gives undefined', () => {
    const data = registry.encodeFunctionResult('checkResources', [[providers[0]]])
    expect(decodeAddressArray('0x')).to.equal(undefined)
    expect(decodeAddressArray(data.slice(0, -64))).to.equal(undefined)
    expect(decodeAddressArray(`${data}00`)).to.equal(undefined)
    expect(decodeAddressArray(data.replace(/.$/, 'z'))).to.equal(undefined)
  })
})
