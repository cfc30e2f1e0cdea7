import type { ClientHost } from '@resource-discovery/client-host'
import { throwIfAborted, type Resource } from '@resource-discovery/core'
import { openResponse, sealRequest } from '@resource-discovery/encrypted-request'
import { InvalidPushResponseError, PushRequestRefusedError } from '../errors.js'
import {
  checkRegistration, checkRegistrationId, decodeNotifyAnswer, decodePushResult, decodeRegisterAnswer, encodeNotifyMessage, encodePushRequest, encodeRegisterMessage,
  type PushEnvelope, type PushRequest, type Topic
} from '../protocol/push-codec.js'
import { PUSH_NOTIFY_PROTOCOL } from '../protocol/push-protocols.js'
import { PushStatus } from '../protocol/push-status.js'
import { PUSH_REGISTER_PROTOCOL } from '../push-kind.js'

/** What a {@link PushClient} needs of a verified push resource: its identity key, peer id and addresses. */
export type PushResource = Pick<Resource, 'peerId' | 'publicKey' | 'multiaddrs'>

/** What a {@link PushClient} works with. */
export interface PushClientComponents {
  /** A started client host; the push client neither starts nor stops it. */
  host: ClientHost
  /** The verified push server (from `ResourceClient.find('push')`). */
  resource: PushResource
}

/** Options of {@link PushClient} calls. */
export interface PushRequestOptions {
  /** Longest to wait for the answer, in ms. Default: the host's `requestTimeoutMs`. */
  timeoutMs?: number
  signal?: AbortSignal
}

/** A device registration: the device's push token and the topics it follows. */
export interface PushRegistration {
  /** 1 to 4096 bytes of UTF-8: an APNs or FCM token, a UnifiedPush endpoint... */
  deviceToken: string
  /** 1 to 64 topics, 4 bytes or `0x` and 8 hex digits each. */
  topics: readonly Topic[]
}

/** The push server's answer to {@link PushClient.forward}. */
export interface ForwardResult {
  /** The envelope's id, `0x` and 64 hex digits. */
  envelopeId: string
  /** How many registrations follow the topic (notifications under way). */
  matched: number
}

/**
 * The client side of a push server: registers a device for topics and
 * unregisters it, each request sealed to the server's verified key (its ENR
 * key) with `encrypted-request`, over a connection whose noise handshake
 * proved that same key. Also hands envelopes to the server
 * ({@link PushClient.forward}), as a mail server or a peer does.
 *
 * @example
 * ```ts
 * const { selected } = await resourceClient.find('push')
 * const push = new PushClient({ host, resource: selected.resource })
 * const registrationId = await push.register({ deviceToken, topics: ['0x1a2b3c4d'] })
 * await push.unregister(registrationId)
 * ```
 */
export class PushClient {
  readonly #host: ClientHost
  readonly #resource: PushResource

  constructor (components: PushClientComponents) {
    this.#host = components.host
    this.#resource = components.resource
  }

  /**
   * Registers `deviceToken` for `topics`. Registering a token again replaces
   * its topics and keeps its id.
   *
   * @returns the registration id (32 hex digits): keep it to unregister
   * @throws {@link InvalidRegistrationError} if the token or a topic is malformed (nothing is sent)
   * @throws {@link PushRequestRefusedError} if the server refused (its `statusName` says why)
   * @throws {@link InvalidPushResponseError} if the answer is unreadable
   * @throws what `ClientHost.request` throws: `RequestTimeoutError`, `ConnectionFailedError`, `IdentityMismatchError`, AbortError (core)...
   */
  async register (registration: PushRegistration, options: PushRequestOptions = {}): Promise<string> {
    throwIfAborted(options.signal)
    const topics = checkRegistration(registration.deviceToken, registration.topics)
    return this.#request({ op: 'register', deviceToken: registration.deviceToken, topics }, options)
  }

  /**
   * Removes a registration: its device gets no further notification.
   *
   * @throws {@link InvalidRegistrationError} if the id is malformed
   * @throws {@link PushRequestRefusedError} with `UNKNOWN_REGISTRATION` if the server has no such registration
   * @throws as {@link PushClient.register}
   */
  async unregister (registrationId: string, options: PushRequestOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    const id = checkRegistrationId(registrationId)
    await this.#request({ op: 'unregister', registrationId: id }, options)
  }

  /**
   * Hands an envelope to the push server on {@link PUSH_NOTIFY_PROTOCOL}, in
   * plain, as a mail server or a peer forwarding traffic does.
   *
   * @throws InvalidPushMessageError if the envelope is malformed (nothing is sent)
   * @throws {@link PushRequestRefusedError} if the server refused it (e.g. `FORBIDDEN`)
   * @throws {@link InvalidPushResponseError} if the answer is unreadable
   * @throws what `ClientHost.request` throws
   */
  async forward (envelope: PushEnvelope, options: PushRequestOptions = {}): Promise<ForwardResult> {
    throwIfAborted(options.signal)
    const answerBytes = await this.#host.request(this.#resource, PUSH_NOTIFY_PROTOCOL, encodeNotifyMessage(envelope), options)
    let answer: ReturnType<typeof decodeNotifyAnswer>
    try {
      answer = decodeNotifyAnswer(answerBytes)
    } catch (err) {
      throw new InvalidPushResponseError((err as Error).message, { cause: err })
    }
    if (answer.status !== PushStatus.OK) throw new PushRequestRefusedError(answer.status)
    if (answer.envelopeId === undefined) throw new InvalidPushResponseError('an accepted envelope has no id')
    return { envelopeId: answer.envelopeId, matched: answer.matched }
  }

  async #request (request: PushRequest, options: PushRequestOptions): Promise<string> {
    const { envelope, responseKey } = sealRequest(this.#resource.publicKey, encodePushRequest(request))
    const answerBytes = await this.#host.request(this.#resource, PUSH_REGISTER_PROTOCOL, encodeRegisterMessage(envelope), options)
    let result: ReturnType<typeof decodePushResult>
    try {
      const answer = decodeRegisterAnswer(answerBytes)
      if ('status' in answer) {
        throw new PushRequestRefusedError(answer.status)
      }
      result = decodePushResult(openResponse(responseKey, answer.sealed))
    } catch (err) {
      if (err instanceof PushRequestRefusedError) throw err
      throw new InvalidPushResponseError(err instanceof Error ? err.message : String(err), { cause: err })
    }
    if (result.status !== PushStatus.OK) throw new PushRequestRefusedError(result.status)
    if (result.registrationId === undefined) throw new InvalidPushResponseError('an accepted request has no registration id')
    return result.registrationId
  }
}
