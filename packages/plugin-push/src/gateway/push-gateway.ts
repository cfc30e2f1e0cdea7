/** One notification the push server asks a gateway to deliver to a device. */
export interface PushNotification {
  /** The registration that follows the topic (32 hex digits). */
  registrationId: string
  /** The device token the client registered (an APNs/FCM token, a UnifiedPush endpoint...). */
  deviceToken: string
  /** The envelope's topic, `0x` and 8 hex digits. */
  topic: string
  /** The envelope's id, `0x` and 64 hex digits (SHA-256 of its encoding): the same for every device. */
  envelopeId: string
  /** When the envelope was sent, in ms since the Unix epoch. */
  timestamp: number
  /** The envelope's payload, opaque (usually encrypted end to end). */
  payload: Uint8Array
}

/** DI token of the {@link PushGateway}. */
export const PushGateway = Symbol.for('resource-discovery/PushGateway')

/**
 * Delivers notifications to devices: a webhook, APNs, FCM, a log. The push
 * service calls `notify` once per (registration, envelope), concurrently, and
 * never waits on one call to make another.
 */
export interface PushGateway {
  /**
   * Delivers one notification. Resolves when the target accepted it.
   *
   * @throws a `ResourceDiscoveryError` naming why it was not delivered
   * @throws AbortError (core) if `options.signal` aborts
   */
  notify: (notification: PushNotification, options?: { signal?: AbortSignal }) => Promise<void>
}
