export * from './alert-issuing.service';
export * from './alert-dashboard.service';
