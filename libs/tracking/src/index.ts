export * from './callback-observation';
export * from './delivery-projection';
export * from './delivery-reconciler';
export * from './live-counters';
export * from './micro-batcher';
export * from './provider-forms';
export * from './status-event-publisher';
export * from './webhook-stats';
