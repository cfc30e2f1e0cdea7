import { randomFillSync } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createContext, runInContext } from 'node:vm'
import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { build } from 'esbuild'

const CORE_DIR = fileURLToPath(new URL('../', import.meta.url))

/**
 * Globals of a React Native app on Hermes, with the polyfills such an app
 * installs for libp2p (`react-native-get-random-values`, a TextDecoder):
 * timers, console, `performance.now`, TextEncoder/TextDecoder, `crypto.getRandomValues`,
 * `AbortController` without the `AbortSignal.any` / `AbortSignal.timeout`
 * statics. Missing, as on Hermes: `EventTarget`, `Event`, `CustomEvent`,
 * `Buffer`, `process`, `structuredClone`, `setImmediate`, Node's modules.
 * Byte arrays are copied into the context, whose `Uint8Array` is its own.
 */
const PRELUDE = `
globalThis.TextEncoder = class TextEncoder { encode (text = '') { return new Uint8Array(host.encode(text)) } }
globalThis.TextDecoder = class TextDecoder { decode (bytes) { return bytes === undefined ? '' : host.decode(bytes) } }
globalThis.crypto = { getRandomValues: (array) => { host.fill(array); return array } }
globalThis.AbortController = class AbortController {
  constructor () { this.signal = new AbortSignal() }
  abort (reason) { this.signal._abort(reason) }
}
class AbortSignal {
  constructor () { this.aborted = false; this.reason = undefined; this._listeners = [] }
  addEventListener (type, listener) { if (type === 'abort') this._listeners.push(listener) }
  removeEventListener (type, listener) { this._listeners = this._listeners.filter((l) => l !== listener) }
  _abort (reason) {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    for (const listener of this._listeners.splice(0)) listener({ type: 'abort' })
  }
}
globalThis.AbortSignal = AbortSignal
`

/** The main entry (and inversify's `ContainerModule`, as a plugin would bring it) as one script for the browser. */
async function bundleAsScript (): Promise<string> {
  const result = await build({
    absWorkingDir: CORE_DIR,
    stdin: {
      contents: "export * from './src/index.ts'\nexport { ContainerModule } from 'inversify'\n",
      resolveDir: CORE_DIR,
      loader: 'ts'
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'core',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    conditions: ['@resource-discovery/source']
  })
  const [output] = result.outputFiles
  if (output === undefined) {
    throw new Error('esbuild wrote no output')
  }
  return output.text
}

describe('core main entry on a Hermes-like runtime', function () {
  this.timeout(20_000)

  it('behavior: loads without EventTarget, CustomEvent, Buffer or process, finds a user server and watches it, with events', async () => {
    const decoder = new TextDecoder()
    const context = createContext({
      host: {
        encode: (text: string) => new TextEncoder().encode(text),
        decode: (bytes: Uint8Array) => decoder.decode(Uint8Array.from(bytes)),
        fill: (array: NodeJS.ArrayBufferView) => randomFillSync(array)
      },
      console,
      performance: { now: () => performance.now() },
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval
    })
    runInContext(PRELUDE, context)
    expect(runInContext('[typeof EventTarget, typeof CustomEvent, typeof Buffer, typeof process, typeof AbortSignal.any]', context))
      .to.deep.equal(['undefined', 'undefined', 'undefined', 'undefined', 'undefined'])
    runInContext(await bundleAsScript(), context)

    const record = createNodeRecord()
    context.enr = record.enr
    const found = await (runInContext(`(async () => {
      const { ContainerModule, createResourceContainer, defineResourceKind, ResourceClient, ResourceKindContribution } = core
      const bridge = defineResourceKind({ name: 'bridge' })
      const container = createResourceContainer({
        plugins: [new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(bridge) })],
        userServers: [{ kind: 'bridge', address: enr }]
      })
      const client = container.get(ResourceClient)
      const events = []
      client.addEventListener('resource:verified', (event) => { events.push(event.detail.resource.nodeId) })
      await client.start()
      try {
        const { selected, verified } = await client.find('bridge')
        const watch = client.watch('bridge')
        await watch.ready()
        return { selected: selected.resource.nodeId, verified: verified.length, watched: watch.selected?.resource.nodeId, events }
      } finally {
        await client.stop()
      }
    })()`, context) as Promise<unknown>)
    expect(found).to.deep.equal({ selected: record.nodeId, verified: 1, watched: record.nodeId, events: [record.nodeId] })
  })
})
