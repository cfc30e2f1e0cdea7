import type { LocalProviderInit, LocalServerInit } from '@resource-discovery/devnet'
import type { Envelope } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { pushServicePlugin } from '@resource-discovery/plugin-push/server'

/** The provider the demo user trusts: the application's default provider. */
export const DEMO_TRUSTED_PROVIDER = 'default'

/** The curator approves both; the demo user trusts only the default one. */
export const DEMO_PROVIDERS: readonly LocalProviderInit[] = [
  { label: DEMO_TRUSTED_PROVIDER, name: 'Default provider' },
  { label: 'other', name: 'Other provider' }
]

/**
 * Five mail servers (three registered by the trusted default provider, one
 * by the provider the user does not trust, one by nobody) and two push
 * servers registered by the default provider.
 */
export const DEMO_SERVERS: readonly LocalServerInit[] = [
  { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: DEMO_TRUSTED_PROVIDER },
  { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: DEMO_TRUSTED_PROVIDER },
  { label: 'mail-3', plugin: mailserverServicePlugin, registeredBy: DEMO_TRUSTED_PROVIDER },
  { label: 'mail-4', plugin: mailserverServicePlugin, registeredBy: 'other' },
  { label: 'mail-5', plugin: mailserverServicePlugin },
  { label: 'push-1', plugin: pushServicePlugin, registeredBy: DEMO_TRUSTED_PROVIDER, options: { gateway: 'log' } },
  { label: 'push-2', plugin: pushServicePlugin, registeredBy: DEMO_TRUSTED_PROVIDER, options: { gateway: 'log' } }
]

/** The conversation topic (4 bytes, as in Waku v1: `mail`). */
export const DEMO_TOPIC = Uint8Array.of(0x6d, 0x61, 0x69, 0x6c)

/** The messages every mail server holds, oldest first. */
export const DEMO_MESSAGES: readonly string[] = [
  'alice: are we still on for friday?',
  'bob: yes, 7pm at the usual place',
  'alice: great, see you there'
]

/** How long the demo's messages stay stored. */
const MESSAGE_LIFETIME_MS = 3_600_000
/** Time between two messages of the conversation. */
const MESSAGE_SPACING_MS = 60_000

/** The demo's messages as envelopes sent a minute apart, the last a minute before `now`. */
export function demoEnvelopes (now: number): Envelope[] {
  const encoder = new TextEncoder()
  return DEMO_MESSAGES.map((text, index) => ({
    topic: DEMO_TOPIC,
    payload: encoder.encode(text),
    timestamp: now - (DEMO_MESSAGES.length - index) * MESSAGE_SPACING_MS,
    expiry: now + MESSAGE_LIFETIME_MS
  }))
}
