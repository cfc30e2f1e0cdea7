/**
 * Wires the bridge plugin into a resource container with the user's own
 * bridges (static servers given by their ENRs) and prints the one selected.
 *
 * Run: npm start -w @resource-discovery/example-custom-kind
 */
import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
import { bridge } from './bridge-plugin.js'

/** The user's own bridges, as their operators printed them. */
const MY_BRIDGES = [
  'enr:-Iu4QAzA3SbHNxyOStocZOBwFJ9yEa6s2CyqbY5uWMj7ka1SGeqfa9puMMtI9CImsKtIoXmEKvPpGQM146hUVR1PaGAEgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQKcuQDTW8ewSxPWMrF4HgEIaca2f0cX0y8ToIFbwGHmKYN0Y3CCEAWDdWRwghPt',
  'enr:-Iu4QN1803FxBnKHchGG-II_fgE2hcNMpOBhFjSP6ICvtEFlR0_6pP4ZeHuiHrC-QCoSwHFKASQmLnXzW5NI5sE371UEgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQJ63S07cSnG-M7zhSJRXk5Jhy8FvPWWLgndriTCYjwqLYN0Y3CCEAaDdWRwghPu',
  'enr:-Iu4QFTIOi-_pqYs2wuW6BqMyPITfG0HwcmXaC2eLJxizZfHFBkB7P46xjDObhkjCmgrDFA1OroA3uyDwxHPfIlu0-cEgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQOcbMannssWKlYGfNZJCFewZnrqbsm2SexP1vaUR-Yq-YN0Y3CCEAeDdWRwghPv'
]

const container = createResourceContainer({
  plugins: [bridge()],
  userServers: MY_BRIDGES.map((address) => ({ kind: 'bridge', address }))
})
const client = container.get(ResourceClient)
await client.start()
try {
  const { selected, verified } = await client.find('bridge')
  for (const verdict of verified) {
    console.log(`verified ${verdict.resource.nodeId} (${verdict.reason})`)
  }
  console.log(`selected ${selected.resource.nodeId} at ${selected.resource.multiaddrs.join(', ')}`)
} finally {
  await client.stop()
}
