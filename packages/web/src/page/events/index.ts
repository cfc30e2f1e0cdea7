export { EventFeed, RECONNECT_MAX_DELAY_MS, RECONNECT_MIN_DELAY_MS, type EventFeedHandlers, type EventFeedState } from './event-feed.js'
