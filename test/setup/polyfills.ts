// Test entry point: Node 20 lacks Promise.withResolvers, which libp2p's dependencies call.
import '@resource-discovery/core/polyfill'
