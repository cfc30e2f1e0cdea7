/**
 * Fuzz target 3: encrypted request and response envelopes
 * (`@resource-discovery/encrypted-request`).
 *
 * `openRequest` reads every envelope a server receives, `openResponse` every
 * answer a client receives. Random bytes and tampered envelopes must be
 * refused by the ECIES layer; plaintexts that are properly encrypted but
 * malformed (random RLP, fields reordered, missing, extended, of the wrong
 * size) must be refused by the envelope decoder. Every refusal is one of the
 * package's typed errors.
 *
 * Every input that gets past the cheap checks costs the receiver an ECDH, so
 * the properties (in fuzz-envelope-worker.ts) run in worker threads, their
 * inputs split between them: under `npm run test:stress` each runs
 * {@link FULL_RUNS} inputs end to end through `openRequest`/`openResponse`.
 */
import { openRequest, ReplayGuard, sealRequest } from '@resource-discovery/encrypted-request'
import { expect } from 'chai'
import { decrypt, PrivateKey } from 'eciesjs'
import { ENVELOPE_PROPERTY, FixedKeyEncryptor, T0 } from './fuzz-envelope-worker.js'
import { FULL_RUNS, FuzzWorkerPool } from './fuzz-support.js'

const QUICK_RUNS = 2000
/** Inputs per end-to-end property under `npm test`: each costs an ECDH (2.5 to 4 ms). */
const QUICK_E2E_RUNS = 100
/**
 * Inputs of the comparison with `eciesjs.decrypt`, which costs six scalar
 * multiplications per input (about 15 ms): a check of the package's ECIES
 * step, not one of the 100,000-input targets.
 */
const QUICK_DIFFERENTIAL_RUNS = 20
const FULL_DIFFERENTIAL_RUNS = 2000
/** Inputs of the comparison of reply-key checks with eciesjs' `PublicKey` (two scalar multiplications per valid key). */
const QUICK_KEY_RUNS = 100
const FULL_KEY_RUNS = 5000

describe('fuzz: encrypted envelopes', function () {
  this.timeout(1_200_000)
  const pool = new FuzzWorkerPool(new URL('./fuzz-envelope-worker.ts', import.meta.url))

  before(async function () {
    this.timeout(60_000)
    await pool.start()
  })

  after(async () => {
    await pool.stop()
  })

  it('behavior: envelopes the fuzzer encrypts with its fixed ephemeral keys are ones eciesjs and openRequest open', () => {
    const server = new PrivateKey()
    const encryptor = new FixedKeyEncryptor(server.publicKey.toBytes(true), 2)
    const plaintext = Uint8Array.from([1, 2, 3])
    const first = encryptor.encrypt(plaintext)
    expect(new Uint8Array(decrypt(server.secret, first))).to.deep.equal(plaintext)
    expect(new Uint8Array(decrypt(server.secret, encryptor.encrypt(plaintext)))).to.deep.equal(plaintext)
    // same key, fresh nonce: never the same bytes twice
    expect(Buffer.from(encryptor.encrypt(plaintext)).equals(first)).to.equal(false)
    // a whole request, encrypted this way, is accepted by the real openRequest
    const sealed = sealRequest(server.publicKey.toBytes(true), Uint8Array.from([7]), { now: T0 })
    const inner = new Uint8Array(decrypt(server.secret, sealed.envelope))
    const opened = openRequest(server.secret, encryptor.encrypt(inner), new ReplayGuard({ now: () => T0 }))
    expect(opened.payload).to.deep.equal(Uint8Array.from([7]))
  })

  describe('requests', () => {
    it('error: random bytes are refused with a typed error', async () => {
      const run = await pool.run(ENVELOPE_PROPERTY.requestRandomBytes, QUICK_E2E_RUNS, FULL_RUNS)
      expect(run.counts.opened).to.equal(0)
    })

    it('error: sealed envelopes tampered with (bit flips, truncation, extension, splices, swapped ranges) are refused', async () => {
      const run = await pool.run(ENVELOPE_PROPERTY.requestTampered, QUICK_E2E_RUNS, FULL_RUNS)
      // most tampered envelopes keep their ephemeral key and are refused by the decryption itself, after the ECDH
      expect(run.counts.ecdh, 'inputs that reached the ECDH').to.be.above(run.numRuns / 2)
    })

    it('error: malformed request plaintexts (random RLP, fields reordered, missing, extra, resized) are refused by the decoder with a typed error', async () => {
      const run = await pool.run(ENVELOPE_PROPERTY.requestPlaintextDecoder, QUICK_RUNS, FULL_RUNS)
      // the generators reach past the checks: some plaintexts are whole requests
      expect(run.counts.opened, 'well-formed plaintexts accepted').to.be.above(0)
    })

    it('error: the same plaintexts, encrypted to the server, are refused by openRequest with a typed error', async () => {
      const run = await pool.run(ENVELOPE_PROPERTY.requestMalformedPlaintexts, QUICK_E2E_RUNS, FULL_RUNS)
      if (run.numRuns >= 1000) expect(run.counts.opened, 'well-formed requests accepted').to.be.above(0)
    })
  })

  describe('responses', () => {
    it('error: random bytes and tampered responses are refused with a typed error', async () => {
      const run = await pool.run(ENVELOPE_PROPERTY.responseRandomAndTampered, QUICK_E2E_RUNS, FULL_RUNS)
      expect(run.counts.ecdh, 'inputs that reached the ECDH').to.be.above(0)
    })

    it('error: malformed response plaintexts are refused by the decoder with a typed error', async () => {
      const run = await pool.run(ENVELOPE_PROPERTY.responsePlaintextDecoder, QUICK_RUNS, FULL_RUNS)
      expect(run.counts.opened, 'well-formed plaintexts accepted').to.be.above(0)
    })

    it('error: the same plaintexts, encrypted to the reply key, are refused by openResponse with a typed error', async () => {
      await pool.run(ENVELOPE_PROPERTY.responseMalformedPlaintexts, QUICK_E2E_RUNS, FULL_RUNS)
    })
  })

  it('behavior: the package\'s one-ECDH decryption accepts and refuses exactly what eciesjs.decrypt does, with the same plaintext', async () => {
    const run = await pool.run(ENVELOPE_PROPERTY.eciesAgreesWithEciesjs, QUICK_DIFFERENTIAL_RUNS, FULL_DIFFERENTIAL_RUNS)
    if (run.numRuns >= 1000) expect(run.counts.opened, 'untampered envelopes opened').to.be.above(0)
  })

  it('behavior: the package\'s reply-key check (@noble/curves, no scalar multiplication) accepts and compresses exactly the keys eciesjs\' PublicKey does', async () => {
    const run = await pool.run(ENVELOPE_PROPERTY.publicKeyAgreesWithEciesjs, QUICK_KEY_RUNS, FULL_KEY_RUNS)
    expect(run.counts.opened, 'valid keys accepted').to.be.above(0)
  })
})
