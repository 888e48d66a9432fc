export * from './topics';
export * from './alert-issued.event';
export * from './delivery-job.event';
export * from './delivery-status.event';
export * from './member-notice.event';
