export * from './callback-observation';
export * from './delivery-reconciler';
export * from './delivery-status-applier';
export * from './live-counters';
export * from './micro-batcher';
export * from './provider-forms';
export * from './status-event-publisher';
export * from './webhook-stats';
