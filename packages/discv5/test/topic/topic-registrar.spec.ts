import { expect } from 'chai'
import { TopicRegistrar, topicId, type RegistrationRequest, type RegistrationResult, type TopicRegistrarInit } from '../../src/index.js'

const topic = topicId('/resource-discovery/mailserver/1')
const otherTopic = topicId('/resource-discovery/push/1')
const E = 10_000

function nodeId (index: number): string {
  return index.toString(16).padStart(64, '0')
}

function ip (...octets: number[]): Uint8Array {
  return Uint8Array.from(octets)
}

/** A registrar on a clock the test moves. */
function registrar (init: TopicRegistrarInit = {}): { registrar: TopicRegistrar, clock: { now: number } } {
  const clock = { now: 1_000_000 }
  return { registrar: new TopicRegistrar({ adLifetimeMs: E, now: () => clock.now, ...init }), clock }
}

function request (index: number, address: Uint8Array, ticket: Uint8Array = new Uint8Array(), forTopic = topic): RegistrationRequest {
  return { topic: forTopic, nodeId: nodeId(index), enr: Uint8Array.from([index]), seq: 1n, ip: address, ticket }
}

/** Registers, following tickets on the fake clock, until admitted or `maxTries` attempts. */
function registerUntilAdmitted (subject: TopicRegistrar, clock: { now: number }, req: RegistrationRequest, maxTries = 10): { result: RegistrationResult, waitedMs: number } {
  const startedAt = clock.now
  let result = subject.register(req)
  for (let attempt = 1; !result.admitted && attempt < maxTries; attempt++) {
    clock.now += result.waitMs
    result = subject.register({ ...req, ticket: result.ticket })
  }
  return { result, waitedMs: clock.now - startedAt }
}

describe('TopicRegistrar', () => {
  it('behavior: into an empty cache an ad is admitted after a near-zero wait', () => {
    const { registrar: subject, clock } = registrar()
    const { result, waitedMs } = registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    expect(result.admitted).to.equal(true)
    expect(waitedMs).to.be.at.most(1)
    expect(subject.ads(topic).map((ad) => ad.nodeId)).to.deep.equal([nodeId(1)])
  })

  it('behavior: a second ad from the same IP waits about the ad lifetime (IP similarity)', () => {
    const { registrar: subject, clock } = registrar()
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    const first = subject.register(request(2, ip(10, 0, 0, 1)))
    expect(first.admitted).to.equal(false)
    expect(first.admitted ? 0 : first.waitMs).to.be.within(E * 0.9, E)
    // an address far from every cached one waits almost nothing
    const far = subject.register(request(3, ip(200, 1, 1, 1)))
    expect(far.admitted ? 0 : far.waitMs).to.be.below(E * 0.05)
  })

  it('behavior: waiting out the ticket gets the ad admitted', () => {
    const { registrar: subject, clock } = registrar()
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    const { result, waitedMs } = registerUntilAdmitted(subject, clock, request(2, ip(10, 0, 0, 1)))
    expect(result.admitted).to.equal(true)
    expect(waitedMs).to.be.at.least(E * 0.9)
    expect(subject.ads(topic).map((ad) => ad.nodeId)).to.include(nodeId(2))
  })

  it('behavior: an ad expires after its lifetime', () => {
    const { registrar: subject, clock } = registrar()
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    clock.now += E - 1
    expect(subject.ads(topic)).to.have.length(1)
    clock.now += 1
    expect(subject.ads(topic)).to.have.length(0)
    expect(subject.size).to.equal(0)
  })

  it('behavior: a renewal of a held ad extends it instead of adding a second one', () => {
    const { registrar: subject, clock } = registrar()
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    clock.now += E / 2
    const { result } = registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    expect(result.admitted).to.equal(true)
    expect(subject.ads(topic)).to.have.length(1)
    clock.now += E * 0.75
    expect(subject.ads(topic)).to.have.length(1)
  })

  it('behavior: the cache never holds more than its capacity; a full cache answers with a wait', () => {
    const { registrar: subject, clock } = registrar({ adCacheCapacity: 3, ipScoreWeight: 0 })
    for (let index = 1; index <= 6; index++) {
      registerUntilAdmitted(subject, clock, request(index, ip(10 + index * 30, index, 0, 1), new Uint8Array(), topicId(`/t/${index}`)), 2)
      expect(subject.size).to.be.at.most(3)
    }
    expect(subject.size).to.equal(3)
    const refused = subject.register(request(9, ip(99, 9, 9, 9), new Uint8Array(), topicId('/t/9')))
    expect(refused.admitted).to.equal(false)
  })

  it('behavior: the per-IP-prefix cap holds even with the IP score off', () => {
    const { registrar: subject, clock } = registrar({ maxAdsPerIpPrefix: 2, ipScoreWeight: 0 })
    for (let index = 1; index <= 5; index++) {
      registerUntilAdmitted(subject, clock, request(index, ip(10, 0, 0, index)), 3)
    }
    expect(subject.adsFromPrefix(ip(10, 0, 0, 99))).to.equal(2)
    // another /24 is not affected
    const { result } = registerUntilAdmitted(subject, clock, request(6, ip(10, 0, 1, 1)), 3)
    expect(result.admitted).to.equal(true)
  })

  it('behavior: the per-topic cap holds; other topics are not affected', () => {
    const { registrar: subject, clock } = registrar({ maxAdsPerTopic: 2, ipScoreWeight: 0 })
    for (let index = 1; index <= 4; index++) {
      registerUntilAdmitted(subject, clock, request(index, ip(index * 40, 1, 1, 1)), 3)
    }
    expect(subject.ads(topic)).to.have.length(2)
    const { result } = registerUntilAdmitted(subject, clock, request(5, ip(7, 7, 7, 7), new Uint8Array(), otherTopic), 3)
    expect(result.admitted).to.equal(true)
  })

  it('behavior: asking again without the ticket does not shorten the wait (lower bound)', () => {
    const { registrar: subject, clock } = registrar()
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    const first = subject.register(request(2, ip(10, 0, 0, 1)))
    clock.now += 1000
    const again = subject.register(request(2, ip(10, 0, 0, 1)))
    expect(first.admitted || again.admitted).to.equal(false)
    expect(again.admitted ? 0 : again.waitMs).to.be.at.least((first.admitted ? 0 : first.waitMs) - 1000 - 1)
  })

  it('behavior: query returns at most F_return ads and never the asker\'s own', () => {
    const { registrar: subject, clock } = registrar({ maxAdsPerAnswer: 3, ipScoreWeight: 0 })
    for (let index = 1; index <= 6; index++) {
      registerUntilAdmitted(subject, clock, request(index, ip(index * 30, 2, 2, 2)))
    }
    expect(subject.ads(topic)).to.have.length(6)
    const answer = subject.query(topic, nodeId(1))
    expect(answer).to.have.length(3)
    expect(answer.map((ad) => ad.nodeId)).to.not.include(nodeId(1))
    expect(subject.query(otherTopic)).to.deep.equal([])
  })

  it('behavior: query answers the longest-standing half of F_return every time, the rest at random: a flood of newcomers does not crowd out earlier ads, renewals keep their standing', () => {
    const { registrar: subject, clock } = registrar({ maxAdsPerAnswer: 4, ipScoreWeight: 0, adLifetimeMs: 1_000_000, adCacheCapacity: 100_000 })
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 1, 1)))
    registerUntilAdmitted(subject, clock, request(2, ip(10, 0, 2, 1)))
    clock.now += 100_000
    // advertiser 1 renews: it keeps its standing
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 1, 1)), 50)
    for (let index = 100; index < 140; index++) {
      registerUntilAdmitted(subject, clock, request(index, ip(20, index, 0, 1)), 50)
    }
    expect(subject.ads(topic).length).to.be.greaterThan(20)
    const newcomers = new Set<string>()
    for (let round = 0; round < 50; round++) {
      const answer = subject.query(topic).map((ad) => ad.nodeId)
      expect(answer).to.have.length(4)
      expect(answer).to.include.members([nodeId(1), nodeId(2)])
      answer.filter((id) => id !== nodeId(1) && id !== nodeId(2)).forEach((id) => newcomers.add(id))
    }
    // the random half still shows the newcomers
    expect(newcomers.size).to.be.greaterThan(10)
  })

  it('behavior: an ad whose renewal has to wait stays held, with its standing, until the renewal ticket\'s window closes, once per admission', () => {
    const { registrar: subject, clock } = registrar({ ipScoreWeight: 0, adCacheCapacity: 10 })
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 1, 1)))
    const first = subject.ads(topic).find((ad) => ad.nodeId === nodeId(1))
    // a second advertiser makes any renewal wait (its share of a small cache)
    registerUntilAdmitted(subject, clock, request(2, ip(10, 0, 2, 1)), 50)
    // advertiser 1 asks to renew 100 ms before its ad expires, and is told to wait longer than that
    clock.now = (first?.expiresAt ?? 0) - 100
    const renewal = subject.register(request(1, ip(10, 0, 1, 1)))
    if (renewal.admitted) throw new Error('expected a ticket')
    expect(renewal.waitMs).to.be.greaterThan(1000)
    clock.now += renewal.waitMs
    expect(subject.ads(topic).map((ad) => ad.nodeId), 'held while its advertiser waits').to.include(nodeId(1))
    const back = subject.register({ ...request(1, ip(10, 0, 1, 1)), ticket: renewal.ticket })
    expect(back.admitted).to.equal(true)
    expect(subject.ads(topic).find((ad) => ad.nodeId === nodeId(1))?.since, 'standing kept').to.equal(first?.since)
    // a renewal that never comes back: held once, until its window closes, then gone
    const renewed = subject.ads(topic).find((ad) => ad.nodeId === nodeId(1))
    clock.now = (renewed?.expiresAt ?? 0) - 100
    const again = subject.register(request(1, ip(10, 0, 1, 1)))
    if (again.admitted) throw new Error('expected a ticket')
    subject.register(request(1, ip(10, 0, 1, 1)))
    clock.now += again.waitMs + 1001
    expect(subject.ads(topic).map((ad) => ad.nodeId)).to.not.include(nodeId(1))
  })

  it('error: a forged, altered or foreign ticket does not count the wait', () => {
    const { registrar: subject, clock } = registrar()
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    const issued = subject.register(request(2, ip(10, 0, 0, 1)))
    expect(issued.admitted).to.equal(false)
    if (issued.admitted) {
      return
    }
    clock.now += issued.waitMs
    const altered = Uint8Array.from(issued.ticket)
    altered[0] = (altered[0] ?? 0) ^ 1
    expect(subject.register(request(2, ip(10, 0, 0, 1), altered)).admitted).to.equal(false)
    // the ticket of node 2 presented by node 3
    expect(subject.register(request(3, ip(10, 0, 0, 1), issued.ticket)).admitted).to.equal(false)
    // from another IP
    expect(subject.register(request(2, ip(10, 0, 0, 7), issued.ticket)).admitted).to.equal(false)
    // for another topic
    expect(subject.register(request(2, ip(10, 0, 0, 1), issued.ticket, otherTopic)).admitted).to.equal(false)
  })

  it('error: a ticket used outside its registration window does not count the wait', () => {
    const { registrar: subject, clock } = registrar({ registrationWindowMs: 500 })
    registerUntilAdmitted(subject, clock, request(1, ip(10, 0, 0, 1)))
    const issued = subject.register(request(2, ip(10, 0, 0, 1)))
    if (issued.admitted) {
      expect.fail('the second ad from one IP must wait')
    }
    clock.now += issued.waitMs + 501
    expect(subject.register(request(2, ip(10, 0, 0, 1), issued.ticket)).admitted).to.equal(false)
  })

  it('args: non-positive sizes are refused', () => {
    expect(() => new TopicRegistrar({ adCacheCapacity: 0 })).to.throw(RangeError, /adCacheCapacity/)
    expect(() => new TopicRegistrar({ adLifetimeMs: -1 })).to.throw(RangeError, /adLifetimeMs/)
  })
})
