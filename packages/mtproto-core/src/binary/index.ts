export { TlWriter } from './writer.js';
export { TlReader } from './reader.js';
