export * from './membership.service';
export * from './preference.service';
export * from './member-links';
export * from './member-audit';
export * from './member-requests';
export * from './retention/retention-sweeper';
