export { serializeTl, deserializeTl, readMethodResult } from './index.js';
