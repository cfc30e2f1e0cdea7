import { expect } from 'chai'
import { Allowance, VouchingModel } from './vouching-model.js'

const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const NODE = 'ab'.repeat(32)

/** A model where ALICE is trusted, approved and has registered NODE as a mail server, all from t = 0. */
function vouched (): VouchingModel {
  const model = new VouchingModel()
  model.trust(ALICE).open(0)
  model.approved(ALICE).open(0)
  model.registered(ALICE, 'mailserver', NODE).open(0)
  return model
}

describe('VouchingModel (soak)', () => {
  it('behavior: a server its trusted, approved provider registered may be selected', () => {
    expect(vouched().check('mailserver', NODE, ALICE.toLowerCase(), 10, 20)).to.equal(undefined)
  })

  it('behavior: a removal counts until its grace ends, then the server may not be selected', () => {
    const model = vouched()
    model.registered(ALICE, 'mailserver', NODE).close(1000)
    expect(model.check('mailserver', NODE, ALICE, 990, 995)).to.equal(undefined)
    // a read in flight across the end of the grace is fine, one sent after it is not
    expect(model.check('mailserver', NODE, ALICE, 999, 1010)).to.equal(undefined)
    expect(model.check('mailserver', NODE, ALICE, 1001, 1010)?.why).to.match(/had not registered/)
  })

  it('behavior: a revocation slack lengthens removals and suspensions, not trust changes', () => {
    const model = vouched()
    model.registered(ALICE, 'mailserver', NODE).close(1000)
    expect(model.check('mailserver', NODE, ALICE, 1200, 1300)).to.not.equal(undefined)
    expect(model.check('mailserver', NODE, ALICE, 1200, 1300, 250)).to.equal(undefined)
    model.trust(ALICE).close(2000)
    expect(model.check('mailserver', NODE, ALICE, 2100, 2200, 5000)?.why).to.match(/not trusted/)
  })

  it('behavior: the three conditions must hold at the same moment', () => {
    const model = new VouchingModel()
    model.trust(ALICE).open(0)
    model.trust(ALICE).close(100)
    model.approved(ALICE).open(200)
    model.registered(ALICE, 'mailserver', NODE).open(0)
    // trusted before 100, approved after 200: never both
    expect(model.check('mailserver', NODE, ALICE, 0, 300)?.why).to.match(/suspended/)
  })

  it('error: a selection that names the user, no provider, another kind or another provider is wrong', () => {
    const model = vouched()
    expect(model.check('mailserver', NODE, 'user', 10, 20)?.why).to.match(/the user/)
    expect(model.check('mailserver', NODE, null, 10, 20)?.why).to.match(/no provider/)
    expect(model.check('push', NODE, ALICE, 10, 20)?.why).to.match(/had not registered/)
    expect(model.check('mailserver', NODE, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 10, 20)?.why).to.match(/not trusted/)
  })

  it('behavior: a change that failed closes what it opened', () => {
    const allowance = new Allowance()
    allowance.open(100)
    allowance.close(150)
    expect(allowance.holds).to.equal(false)
    expect(allowance.within(160, 200)).to.deep.equal([])
    expect(allowance.within(0, 120)).to.deep.equal([{ from: 100, to: 120 }])
  })

  it('behavior: pruning keeps what recent reads look at', () => {
    const allowance = new Allowance()
    allowance.open(0)
    allowance.close(10)
    allowance.open(20)
    allowance.prune(15)
    expect(allowance.within(0, 100)).to.deep.equal([{ from: 20, to: 100 }])
    expect(allowance.holds).to.equal(true)
  })
})
