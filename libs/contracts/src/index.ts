export * from './topics';
export * from './alert-issued.event';
