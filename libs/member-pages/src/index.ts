export * from './html';
export * from './member-words';
export * from './layout';
export * from './stylesheet';
export * from './page-language';
export * from './join-pages';
export * from './preference-pages';
export * from './link-pages';
