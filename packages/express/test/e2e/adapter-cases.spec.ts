/**
 * The shared adapter truth table (test-support/adapter-cases.ts) on the Express 5 scenario app.
 * See run-adapter-cases.ts for what each row asserts.
 */
import * as scenario from './scenario-app.js';
import { runAdapterCases } from './run-adapter-cases.js';

runAdapterCases('Express 5', scenario);
