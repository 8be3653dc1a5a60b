/** Request validation against the design, and the Ajv wiring the mock shares. */
export { createRequestValidator } from './request.js';
export type { RequestToValidate, RequestValidator, RequestValidatorOptions, RequestVerdict, Violation } from './request.js';
export { adaptFile, ajvFor, describeError, schemaCheck } from './ajv.js';
export type { Direction, SchemaCheck } from './ajv.js';
export { isJsonMediaType, matchMediaType, parseMediaType } from './media-type.js';
