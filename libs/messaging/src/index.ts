export * from './message-bus';
export * from './kafka-message-bus';
export * from './outbox-relay';
export * from './messaging.module';
export * from './readiness-checks.provider';
export * from './consumer-loop';
export * from './in-process-message-bus';
