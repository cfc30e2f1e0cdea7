export {
  decodeTopicMessage,
  encodeTopicMessage,
  MAX_DISTANCE_HINTS,
  MAX_ENR_BYTES,
  MAX_ENRS_PER_MESSAGE,
  MAX_ERROR_TEXT_BYTES,
  MAX_RESPONSE_BYTES,
  MAX_TICKET_BYTES,
  TOPIC_PROTOCOL_ID,
  TopicErrorCode,
  TopicMessageType,
  type RegConfirmationMessage,
  type RegTopicMessage,
  type TopicErrorMessage,
  type TopicMessage,
  type TopicNodesMessage,
  type TopicQueryMessage,
  type TopicRequest,
  type TopicResponse
} from './messages.js'
export { IpTree } from './ip-tree.js'
export {
  DEFAULT_RATE_LIMIT_MAX_SOURCES,
  DEFAULT_TALK_BURST,
  DEFAULT_TALK_REQUESTS_PER_SECOND,
  TokenBucketLimiter,
  type RateLimitInit
} from './rate-limiter.js'
export { TICKET_TAG_BYTES, TicketSealer, type TicketContent } from './ticket.js'
export {
  DEFAULT_ADVERTISE_REFRESH_INTERVAL_MS,
  DEFAULT_MAX_TICKET_WAIT_MS,
  DEFAULT_REGISTRATIONS_PER_BUCKET,
  DEFAULT_RENEW_LEAD_MS,
  type RegistrationState,
  type TopicAdvertiserInit
} from './topic-advertiser.js'
export { isMarkedRegistrar, registrarFilter, TOPDISC_ENR_KEY, TOPDISC_ENR_VALUE, type RegistrarSelection } from './registrar-marker.js'
export { commonPrefixLength, logDistance, TOPIC_ID_BYTES, topicId } from './topic-id.js'
export { DEFAULT_LOOKUP_PARALLELISM, DEFAULT_LOOKUPS_PER_BUCKET, DEFAULT_MAX_ADVERTISERS } from './topic-lookup.js'
export { DEFAULT_MAX_AUX_NODES, DEFAULT_TOPIC_REQUEST_TIMEOUT_MS, type TopicProtocolInit } from './topic-protocol.js'
export {
  DEFAULT_AD_CACHE_CAPACITY,
  DEFAULT_AD_LIFETIME_MS,
  DEFAULT_IP_SCORE_WEIGHT,
  DEFAULT_IPV4_PREFIX_BITS,
  DEFAULT_IPV6_PREFIX_BITS,
  DEFAULT_MAX_ADS_PER_ANSWER,
  DEFAULT_MAX_ADS_PER_IP_PREFIX,
  DEFAULT_MAX_ADS_PER_TOPIC,
  DEFAULT_OCCUPANCY_EXPONENT,
  DEFAULT_REGISTRATION_WINDOW_MS,
  DEFAULT_SAFETY_CONSTANT,
  TopicRegistrar,
  type RegistrationRequest,
  type RegistrationResult,
  type StoredAd,
  type TopicRegistrarInit
} from './topic-registrar.js'
