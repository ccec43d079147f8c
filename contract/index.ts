export * from './wire';
export * from './search-attributes';
