import { adminDeleteScenario } from './admin-delete.scenario.js';
import { aliceSignsInScenario } from './alice-signs-in.scenario.js';
import { badTokensScenario } from './bad-tokens.scenario.js';
import { fulfilmentServiceScenario } from './fulfilment-service.scenario.js';
import { insufficientScopeScenario } from './insufficient-scope.scenario.js';
import { logoutScenario } from './logout.scenario.js';
import { otherPeoplesOrdersScenario } from './other-peoples-orders.scenario.js';
import { refreshRotationScenario } from './refresh-rotation.scenario.js';
import type { Scenario } from './scenario.js';

/** The demo's scenarios, in the order they are told. */
export const SCENARIOS: readonly Scenario[] = [
  fulfilmentServiceScenario,
  aliceSignsInScenario,
  otherPeoplesOrdersScenario,
  insufficientScopeScenario,
  refreshRotationScenario,
  logoutScenario,
  badTokensScenario,
  adminDeleteScenario,
];

export {
  adminDeleteScenario,
  aliceSignsInScenario,
  badTokensScenario,
  fulfilmentServiceScenario,
  insufficientScopeScenario,
  logoutScenario,
  otherPeoplesOrdersScenario,
  refreshRotationScenario,
};
export type { Scenario };
