import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { createLogger } from '../src/index.js'
import { DaemonHarness } from './support/daemon-harness.js'

describe('createLogger', () => {
  const harness = new DaemonHarness()

  afterEach(async () => {
    await harness.cleanUp()
  })

  /** Runs `log` with a logger writing to a fresh file, and returns what it wrote. */
  async function written (options: Parameters<typeof createLogger>[0], log: (logger: ReturnType<typeof createLogger>) => void): Promise<string> {
    const path = join(await harness.dataDir(), 'log')
    const fd = openSync(path, 'w')
    try {
      log(createLogger({ ...options, destination: fd }))
    } finally {
      closeSync(fd)
    }
    // synchronous: every line is in the file as soon as the call returns
    return readFileSync(path, 'utf8')
  }

  it('behavior: writes one JSON line per record, at info and above by default', async () => {
    const text = await written({}, (logger) => {
      logger.debug({ hidden: true }, 'not shown')
      logger.info({ url: 'http://127.0.0.1:8645' }, 'daemon listening')
      logger.child({ component: 'http' }).warn({ statusCode: 500 }, 'request failed')
    })
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines).to.have.length(2)
    expect(lines[0]).to.include({ level: 30, msg: 'daemon listening', url: 'http://127.0.0.1:8645' })
    expect(lines[1]).to.include({ level: 40, msg: 'request failed', component: 'http', statusCode: 500 })
  })

  it('behavior: level debug shows debug records', async () => {
    const text = await written({ level: 'debug' }, (logger) => { logger.debug({ method: 'GET' }, 'request') })
    expect(JSON.parse(text) as Record<string, unknown>).to.include({ level: 20, msg: 'request', method: 'GET' })
  })

  it('behavior: pretty writes human-readable lines, not JSON', async () => {
    const text = await written({ pretty: true }, (logger) => { logger.info({ kind: 'mailserver' }, 'selection changed') })
    expect(text).to.contain('INFO')
    expect(text).to.contain('selection changed')
    expect(text).to.contain('mailserver')
    expect(() => { JSON.parse(text) }).to.throw(SyntaxError)
  })

  it('error: an unknown level is an InvalidConfigurationError listing the levels', () => {
    expect(() => createLogger({ level: 'verbose' })).to.throw(InvalidConfigurationError, 'unknown log level "verbose"; use one of')
  })
})
