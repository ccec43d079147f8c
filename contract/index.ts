export * from './wire';
export * from './search-attributes';
export * from './handles';
