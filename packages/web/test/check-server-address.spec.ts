import { expect } from 'chai'
import { checkServerAddress } from '../src/page/sections/check-server-address.js'

describe('checkServerAddress', () => {
  it('error: asks for the ENR when the field is empty', () => {
    expect(checkServerAddress('')).to.match(/Paste the server's ENR/)
  })

  it('error: says what an ENR starts with, quoting the start of what was given', () => {
    expect(checkServerAddress('16Uiu2HAmXqkbGvVZ3rNhQ8uPr2wV4cd7')).to.equal('This is not an ENR: an ENR starts with "enr:", and this starts with "16Uiu2HAmXqk…". Paste the whole record the server printed.')
    expect(checkServerAddress('ENR:-IS4Q')).to.match(/starts with "ENR:-IS4Q"/)
  })

  it('behavior: leaves anything starting with enr: or a multiaddr to the daemon', () => {
    expect(checkServerAddress('enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjz')).to.equal(undefined)
    expect(checkServerAddress('enr:garbage')).to.equal(undefined)
    expect(checkServerAddress('/ip4/127.0.0.1/tcp/60001/p2p/16Uiu2HAmXqkbGvVZ3rNhQ8uPr2wV4cd7')).to.equal(undefined)
  })
})
