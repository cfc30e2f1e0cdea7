export { createLogger, DEFAULT_LOG_DESTINATION, DEFAULT_LOG_LEVEL, type CreateLoggerOptions } from './create-logger.js'
