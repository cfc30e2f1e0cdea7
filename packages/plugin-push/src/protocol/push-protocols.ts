/**
 * libp2p protocol by which a mail server or a peer hands envelopes (topic,
 * payload, timestamp) to a push server, in plain: the envelopes are what a
 * topic's followers receive anyway; the payload is usually encrypted end to end.
 */
export const PUSH_NOTIFY_PROTOCOL = '/resource-discovery/push/notify/1.0.0'

/** The version byte that opens every push protocol message. */
export const PUSH_WIRE_VERSION = 1

/** Length of a topic, in bytes: the 4-byte topic of Waku v1 and Whisper. */
export const PUSH_TOPIC_BYTES = 4
/** Length of a registration id, in bytes. */
export const REGISTRATION_ID_BYTES = 16
/** Largest device token, in bytes of UTF-8. */
export const MAX_DEVICE_TOKEN_BYTES = 4096
/** Most topics one registration may follow. */
export const MAX_TOPICS_PER_REGISTRATION = 64
