export * from './topics';
export * from './alert-issued.event';
export * from './delivery-job.event';
