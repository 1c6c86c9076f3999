/**
 * The API contract: request and answer schemas shared by the REST handlers, the RPC
 * adapter, the OpenAPI generator and clients. It depends on zod only.
 */
export * from './compat.js';
export * from './fields.js';
export * from './multipart.js';
export * from './multipart-responses.js';
export * from './requests.js';
export * from './responses.js';
export * from './validation-error.js';
