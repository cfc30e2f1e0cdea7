export { DEFAULT_HEARTBEAT_INTERVAL_MS, EventStream, MAX_EVENT_BACKLOG_BYTES, type EventStreamInit } from './event-stream.js'
