import { expect } from 'chai'
import { getBytes, hexlify } from 'ethers/utils'
import { SigningKey } from 'ethers/crypto'
import {
  EntryHashMismatchError, InvalidEnrTreeUrlError, InvalidRootSignatureError, MalformedTreeEntryError,
  checkEntryHash, decodeBase32, decodeBase64Url, encodeBase32, encodeBase64Url, entryHash, entryHashMatches,
  formatEnrTreeUrl, formatTreeEntry, parseAndVerifyRoot, parseEnrTreeUrl, parseTreeEntry, signTreeRoot, verifyTreeRoot,
  type RootEntry
} from '../../src/index.js'
import { EIP_1459_DOMAIN, EIP_1459_PUBLIC_KEY, EIP_1459_RECORDS, EIP_1459_ROOT, EIP_1459_TREE_URL, EIP_1459_URL } from '../fixtures/eip-1459-example.js'

describe('EIP-1459 tree codec', () => {
  describe('base32 and base64url', () => {
    it('behavior: RFC 4648 test vectors, unpadded', () => {
      const vectors: Array<[string, string]> = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']]
      for (const [plain, encoded] of vectors) {
        const bytes = new TextEncoder().encode(plain)
        expect(encodeBase32(bytes)).to.equal(encoded)
        expect(decodeBase32(encoded)).to.deep.equal(bytes)
        expect(decodeBase32(encoded.toLowerCase())).to.deep.equal(bytes)
      }
      expect(encodeBase64Url(Uint8Array.of(0xfb, 0xff))).to.equal('-_8')
      expect(decodeBase64Url('-_8')).to.deep.equal(Uint8Array.of(0xfb, 0xff))
    })

    it('error: padding, foreign letters, impossible lengths and stray bits are refused', () => {
      for (const bad of ['MY======', 'MZ1', 'M', 'MZXW6YTBO', 'MZ']) {
        expect(decodeBase32(bad), bad).to.equal(undefined)
      }
      for (const bad of ['-_8=', '+/8', 'A', '-_9']) {
        expect(decodeBase64Url(bad), bad).to.equal(undefined)
      }
    })
  })

  describe('parseEnrTreeUrl', () => {
    it('behavior: a URL gives its key (compressed) and domain, and formats back', () => {
      const url = parseEnrTreeUrl(EIP_1459_TREE_URL)
      expect(url.domain).to.equal(EIP_1459_DOMAIN)
      expect(url.publicKey).to.have.length(33)
      expect(SigningKey.computePublicKey(url.publicKey, false)).to.equal(EIP_1459_PUBLIC_KEY)
      expect(formatEnrTreeUrl(url)).to.equal(EIP_1459_TREE_URL)
      expect(formatEnrTreeUrl({ publicKey: getBytes(EIP_1459_PUBLIC_KEY), domain: EIP_1459_DOMAIN })).to.equal(EIP_1459_TREE_URL)
      expect(formatEnrTreeUrl(parseEnrTreeUrl(`${EIP_1459_URL}.`))).to.equal(EIP_1459_URL)
    })

    it('error: a wrong scheme, key or domain is an InvalidEnrTreeUrlError naming the URL', () => {
      const key = 'AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2'
      for (const [url, problem] of [
        [`enrtre://${key}@nodes.example.org`, 'does not start with'],
        [`enrtree://${key}`, 'no "@"'],
        [`enrtree://${key.slice(0, -2)}@nodes.example.org`, '33-byte'],
        [`enrtree://${'A'.repeat(52)}C@nodes.example.org`, 'not a point'],
        [`enrtree://${key}@nodes..example.org`, 'not a DNS name'],
        [`enrtree://${key}@nodes.exa mple.org`, 'not a DNS name']
      ]) {
        expect(() => parseEnrTreeUrl(url ?? ''), url).to.throw(InvalidEnrTreeUrlError, problem).with.property('url', url)
      }
    })
  })

  describe('the EIP example zone', () => {
    it('behavior: its root verifies with the key of its URL', () => {
      const root = parseAndVerifyRoot(EIP_1459_ROOT, parseEnrTreeUrl(EIP_1459_TREE_URL))
      expect(root).to.include({ type: 'root', enrRoot: 'JWXYDBPXYWG6FX3GMDIBFA6CJ4', linkRoot: 'C7HRFPF3BLGF3YR4DY5KX3SMBE', seq: 1 })
      expect(formatTreeEntry(root)).to.equal(EIP_1459_ROOT)
    })

    it('behavior: each entry hashes to its name, parses, and formats back to the same text', () => {
      const types: string[] = []
      for (const [name, text] of EIP_1459_RECORDS) {
        if (name === '@') {
          continue
        }
        expect(entryHash(text)).to.equal(name)
        expect(entryHashMatches(name, text)).to.equal(true)
        checkEntryHash(name, text, EIP_1459_DOMAIN)
        const entry = parseTreeEntry(text, `${name}.${EIP_1459_DOMAIN}`)
        types.push(entry.type)
        expect(formatTreeEntry(entry)).to.equal(text)
      }
      expect(types.sort()).to.deep.equal(['branch', 'enr', 'enr', 'enr', 'link'])
      const branch = parseTreeEntry(EIP_1459_RECORDS.get('JWXYDBPXYWG6FX3GMDIBFA6CJ4') ?? '')
      expect(branch).to.deep.equal({ type: 'branch', children: ['2XS2367YHAXJFGLZHVAWLQD4ZY', 'H4FHT4B454P6UXFD7JCYQ5PWDY', 'MHTDO6TMUBRIA2XWG5LUDACK24'] })
    })

    it('error: a root altered in any signed field fails its signature with an InvalidRootSignatureError naming the record', () => {
      const url = parseEnrTreeUrl(EIP_1459_TREE_URL)
      for (const altered of [EIP_1459_ROOT.replace('seq=1', 'seq=2'), EIP_1459_ROOT.replace('e=JWXY', 'e=JWXZ')]) {
        expect(() => parseAndVerifyRoot(altered, url)).to.throw(InvalidRootSignatureError)
          .that.satisfies((err: InvalidRootSignatureError) => err.recordName === EIP_1459_DOMAIN && err.record === altered)
      }
      // the key of the EIP text's example URL did not sign the example zone
      expect(() => parseAndVerifyRoot(EIP_1459_ROOT, parseEnrTreeUrl(EIP_1459_URL))).to.throw(InvalidRootSignatureError, 'AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2')
    })

    it('error: content that does not hash to its name is an EntryHashMismatchError naming both hashes', () => {
      const text = EIP_1459_RECORDS.get('2XS2367YHAXJFGLZHVAWLQD4ZY') ?? ''
      const other = EIP_1459_RECORDS.get('H4FHT4B454P6UXFD7JCYQ5PWDY') ?? ''
      expect(() => { checkEntryHash('2XS2367YHAXJFGLZHVAWLQD4ZY', other, EIP_1459_DOMAIN) }).to.throw(EntryHashMismatchError)
        .that.satisfies((err: EntryHashMismatchError) => err.recordName === `2XS2367YHAXJFGLZHVAWLQD4ZY.${EIP_1459_DOMAIN}` &&
          err.expectedHash === '2XS2367YHAXJFGLZHVAWLQD4ZY' && err.actualHash === 'H4FHT4B454P6UXFD7JCYQ5PWDY' && err.record === other)
      expect(entryHashMatches('2XS2367YHAXJFGLZHVAWLQD4ZY', `${text} `)).to.equal(false)
    })
  })

  describe('signTreeRoot', () => {
    it('behavior: signs with v = recovery id (0/1); the signature verifies with the key and not with another', () => {
      const key = new SigningKey(`0x${'42'.repeat(32)}`)
      const root = signTreeRoot({ enrRoot: 'JWXYDBPXYWG6FX3GMDIBFA6CJ4', linkRoot: 'C7HRFPF3BLGF3YR4DY5KX3SMBE', seq: 7 }, key.privateKey)
      expect(root.signature).to.have.length(65)
      expect(root.signature[64]).to.be.oneOf([0, 1])
      expect(verifyTreeRoot(root, getBytes(key.publicKey))).to.equal(true)
      expect(verifyTreeRoot(root, getBytes(key.compressedPublicKey))).to.equal(true)
      expect(verifyTreeRoot({ ...root, seq: 8 }, getBytes(key.publicKey))).to.equal(false)
      const other = new SigningKey(`0x${'43'.repeat(32)}`)
      expect(verifyTreeRoot(root, getBytes(other.publicKey))).to.equal(false)
      // the text round-trips through the parser and still verifies
      const parsed = parseTreeEntry(formatTreeEntry(root)) as RootEntry
      expect(hexlify(parsed.signature)).to.equal(hexlify(root.signature))
      expect(verifyTreeRoot(parsed, getBytes(key.publicKey))).to.equal(true)
    })
  })

  describe('parseTreeEntry', () => {
    it('error: malformed entries are MalformedTreeEntryErrors naming the record and the problem', () => {
      const name = 'ABC.nodes.example.org'
      for (const [text, problem] of [
        ['enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4ZY,NOT-A-HASH', 'NOT-A-HASH'],
        ['enrtree-branch:AAAA', 'AAAA'],
        ['enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1', 'the root is not'],
        ['enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 sig=AAAA', '65 bytes'],
        ['enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=99999999999999999999 sig=AAAA', 'seq='],
        ['enrtree://nokey@nodes.example.org', 'not a valid enrtree URL'],
        ['enr:not base64', 'base64url'],
        ['v=spf1 -all', 'starts with none']
      ]) {
        expect(() => parseTreeEntry(text ?? '', name), text).to.throw(MalformedTreeEntryError, problem)
          .that.satisfies((err: MalformedTreeEntryError) => err.recordName === name && err.record === text)
      }
    })

    it('behavior: an empty branch parses to no children (the root of an empty subtree)', () => {
      expect(parseTreeEntry('enrtree-branch:')).to.deep.equal({ type: 'branch', children: [] })
    })
  })
})
