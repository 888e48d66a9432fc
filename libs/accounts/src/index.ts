export * from './account-admin.service';
export * from './account.requests';
export * from './login.service';
export * from './login.request';
export * from './account-standing';
