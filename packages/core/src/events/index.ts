export { TypedEventTarget, type TypedEventListener } from './typed-event-target.js'
