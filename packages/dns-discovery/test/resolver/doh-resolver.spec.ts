import { AbortError } from '@resource-discovery/core'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { DnsTreeClient } from '../../src/client/dns-tree-client.js'
import { DnsLookupError, DnsNoRecordError, DnsTimeoutError } from '../../src/errors.js'
import { dohResolver, parseTxtData } from '../../src/resolver/doh-resolver.js'
import { makeEnrs, publishTree, type Zone } from '../client/trees.js'

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => void

/** A local HTTP server speaking the DNS JSON API through `handler`; its endpoint URL. */
async function startDoh (handler: Handler): Promise<{ url: string, server: Server, requests: URL[] }> {
  const requests: URL[] = []
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    requests.push(url)
    handler(request, response, url)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/dns-query`, server, requests }
}

function json (response: ServerResponse, body: unknown, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/dns-json' })
  response.end(JSON.stringify(body))
}

/** A JSON API server answering from `zone` as Cloudflare does: TXT data as quoted 255-byte strings. */
function zoneHandler (zone: Zone): Handler {
  const lower = new Map([...zone].map(([name, texts]) => [name.toLowerCase(), texts]))
  return (_request, response, url) => {
    const name = url.searchParams.get('name') ?? ''
    const texts = lower.get(name.toLowerCase())
    if (texts === undefined) {
      json(response, { Status: 3, Question: [{ name, type: 16 }] })
      return
    }
    json(response, {
      Status: 0,
      Answer: texts.map((text) => ({ name, type: 16, TTL: 60, data: (text.match(/.{1,255}/g) ?? []).map((part) => JSON.stringify(part)).join(' ') }))
    })
  }
}

describe('dohResolver', function () {
  const servers: Server[] = []
  afterEach(async function () {
    await Promise.all(servers.splice(0).map(async (server) => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }))
  })

  async function serve (handler: Handler): Promise<{ url: string, requests: URL[] }> {
    const started = await startDoh(handler)
    servers.push(started.server)
    return started
  }

  it('behavior: asks name and type TXT with the dns-json media type, and joins each record\'s strings', async function () {
    let accept: string | undefined
    const { url, requests } = await serve((request, response) => {
      accept = request.headers.accept
      json(response, {
        Status: 0,
        Answer: [
          { name: 'nodes.example.org', type: 5, TTL: 60, data: 'alias.example.org.' },
          { name: 'nodes.example.org', type: 16, TTL: 60, data: '"enrtree-root:v1 e=A" " l=B"' },
          { name: 'nodes.example.org', type: 16, TTL: 60, data: 'unquoted text' }
        ]
      })
    })
    const records = await dohResolver({ url }).resolveTxt('nodes.example.org')
    expect(records).to.deep.equal(['enrtree-root:v1 e=A l=B', 'unquoted text'])
    expect(accept).to.equal('application/dns-json')
    expect(requests[0]?.searchParams.get('name')).to.equal('nodes.example.org')
    expect(requests[0]?.searchParams.get('type')).to.equal('TXT')
  })

  it('behavior: a tree client over it resolves a whole tree', async function () {
    const enrs = makeEnrs(20)
    const tree = publishTree({ domain: 'nodes.example.org', enrs: enrs.map(({ enr }) => enr) })
    const { url, requests } = await serve(zoneHandler(tree.zone))
    const result = await new DnsTreeClient({ resolver: dohResolver({ url }) }).resolve(tree.url)
    expect(result.records.map(({ nodeId }) => nodeId)).to.have.members(enrs.map(({ nodeId }) => nodeId))
    expect(requests).to.have.length(result.queries)
  })

  it('error: NXDOMAIN and an answer without TXT are DnsNoRecordError', async function () {
    const { url } = await serve((_request, response, requestUrl) => {
      json(response, requestUrl.searchParams.get('name') === 'missing.example.org' ? { Status: 3 } : { Status: 0, Answer: [{ type: 5, data: 'x.' }] })
    })
    const resolver = dohResolver({ url })
    const missing = await rejection(resolver.resolveTxt('missing.example.org'), DnsNoRecordError)
    expect(missing.reason).to.equal('nxdomain')
    expect(missing.dnsName).to.equal('missing.example.org')
    const empty = await rejection(resolver.resolveTxt('empty.example.org'), DnsNoRecordError)
    expect(empty.reason).to.equal('nodata')
  })

  it('error: an HTTP error, SERVFAIL or a non-JSON-API body is DnsLookupError', async function () {
    const { url } = await serve((_request, response, requestUrl) => {
      const name = requestUrl.searchParams.get('name')
      if (name === 'http.example.org') {
        json(response, { error: 'down' }, 503)
      } else if (name === 'servfail.example.org') {
        json(response, { Status: 2 })
      } else {
        json(response, { hello: 'world' })
      }
    })
    const resolver = dohResolver({ url })
    const http = await rejection(resolver.resolveTxt('http.example.org'), DnsLookupError)
    expect(http.retryable).to.equal(true)
    expect(http.message).to.include('503')
    await rejection(resolver.resolveTxt('servfail.example.org'), DnsLookupError)
    await rejection(resolver.resolveTxt('garbage.example.org'), DnsLookupError)
  })

  it('error: no answer in time is DnsTimeoutError; an abort is AbortError', async function () {
    const { url } = await serve(() => { /* never answers */ })
    const resolver = dohResolver({ url, timeoutMs: 100 })
    await rejection(resolver.resolveTxt('slow.example.org'), DnsTimeoutError)
    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 20)
    await rejection(dohResolver({ url }).resolveTxt('slow.example.org', { signal: controller.signal }), AbortError)
  })

  it('behavior: uses the fetch given', async function () {
    const seen: string[] = []
    const fetch: typeof globalThis.fetch = async (input) => {
      seen.push(input instanceof Request ? input.url : input.toString())
      return new Response(JSON.stringify({ Status: 0, Answer: [{ type: 16, data: '"a"' }] }))
    }
    expect(await dohResolver({ url: 'https://doh.invalid/dns-query', fetch }).resolveTxt('x.example.org')).to.deep.equal(['a'])
    expect(seen).to.deep.equal(['https://doh.invalid/dns-query?name=x.example.org&type=TXT'])
  })
})

describe('parseTxtData', function () {
  it('behavior: reads zone-file character-strings with escapes', function () {
    expect(parseTxtData('"a\\"b" "c\\\\d" "\\065\\066"')).to.equal('a"bc\\dAB')
    expect(parseTxtData('plain')).to.equal('plain')
  })
})
