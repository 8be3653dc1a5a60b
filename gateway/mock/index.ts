/** The mock: answers a request from the description alone (see mocker.ts for the rules). */
export { createMocker, prewarmMock, serialize, WARNING_HEADER } from './mocker.js';
export type { Mocker, MockProblem, MockRequest, MockResponse, MockResult } from './mocker.js';
export { MAX_DELAY_MS, parsePrefer } from './prefer.js';
export type { MockPreferences } from './prefer.js';
export { generateValid } from './generate.js';
export type { Generated } from './generate.js';
export { sampleSchema } from './sample.js';
export type { SampleSettings } from './sample.js';
export { negotiate, orderMediaTypes } from './negotiate.js';
export type { Negotiated } from './negotiate.js';
