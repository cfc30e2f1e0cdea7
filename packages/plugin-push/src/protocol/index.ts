export {
  checkRegistration, checkRegistrationId, decodeNotifyAnswer, decodeNotifyMessage, decodePushRequest, decodePushResult, decodeRegisterAnswer,
  encodeNotifyAnswer, encodeNotifyMessage, encodePushRequest, encodePushResult, encodeRegisterAnswer, encodeRegisterMessage, envelopeIdOf,
  topicToHex, withoutVersion,
  type NotifyAnswer, type PushEnvelope, type PushRequest, type PushResult, type RegisterAnswer, type Topic
} from './push-codec.js'
export {
  MAX_DEVICE_TOKEN_BYTES, MAX_TOPICS_PER_REGISTRATION, PUSH_NOTIFY_PROTOCOL, PUSH_TOPIC_BYTES, PUSH_WIRE_VERSION, REGISTRATION_ID_BYTES
} from './push-protocols.js'
export { PushStatus, pushStatusName } from './push-status.js'
