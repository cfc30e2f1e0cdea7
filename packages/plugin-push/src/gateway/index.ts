export { LogGateway } from './log-gateway.js'
export { PushGateway, type PushNotification } from './push-gateway.js'
export { DEFAULT_WEBHOOK_TIMEOUT_MS, WebhookGateway, type WebhookBody, type WebhookGatewayInit } from './webhook-gateway.js'
