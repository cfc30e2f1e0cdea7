import { expect } from 'chai'
import { isWebSocketAddress, webSocketFirst } from '../../src/index.js'

const PEER = '16Uiu2HAmAUdrQ3uwzuE4Gy4D56hX6uLKEeerJAnhKEHZ3DxF1EfT'

describe('isWebSocketAddress', () => {
  it('behavior: ws, wss and tls/ws addresses are; tcp, quic, relayed and malformed ones are not', () => {
    expect(isWebSocketAddress(`/ip4/127.0.0.1/tcp/8000/ws/p2p/${PEER}`)).to.equal(true)
    expect(isWebSocketAddress('/dns4/store.example.org/tcp/443/wss')).to.equal(true)
    expect(isWebSocketAddress(`/ip6/::1/tcp/443/tls/ws/p2p/${PEER}`)).to.equal(true)
    expect(isWebSocketAddress(`/ip4/127.0.0.1/tcp/30303/p2p/${PEER}`)).to.equal(false)
    expect(isWebSocketAddress('/ip4/127.0.0.1/udp/30303/quic-v1')).to.equal(false)
    expect(isWebSocketAddress(`/ip4/127.0.0.1/tcp/443/wss/p2p/${PEER}/p2p-circuit/p2p/${PEER}`)).to.equal(false)
    expect(isWebSocketAddress('/ws')).to.equal(true)
    expect(isWebSocketAddress('not a multiaddr')).to.equal(false)
  })
})

describe('webSocketFirst', () => {
  it('behavior: WebSocket addresses first in their own order, then the rest in theirs; nothing dropped', () => {
    const tcp1 = `/ip4/127.0.0.1/tcp/1/p2p/${PEER}`
    const wss = `/ip4/127.0.0.1/tcp/2/wss/p2p/${PEER}`
    const tcp2 = `/ip4/127.0.0.2/tcp/3/p2p/${PEER}`
    const ws = `/ip4/127.0.0.1/tcp/4/ws/p2p/${PEER}`
    expect(webSocketFirst([tcp1, wss, tcp2, ws])).to.deep.equal([wss, ws, tcp1, tcp2])
    expect(webSocketFirst([tcp1, tcp2])).to.deep.equal([tcp1, tcp2])
    expect(webSocketFirst([])).to.deep.equal([])
  })
})
