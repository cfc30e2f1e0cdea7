export { PushClient, type ForwardResult, type PushClientComponents, type PushRegistration, type PushRequestOptions, type PushResource } from './push-client.js'
export { isRetryablePushError, pushConnector } from './push-connector.js'
