export * from './wire';
export * from './registry';
export * from './search-attributes';
export * from './handles';
export * from './registry-handles';
