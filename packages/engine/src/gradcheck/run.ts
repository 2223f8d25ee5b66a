import { GRAD_CHECK_CASES } from './cases.js';
import { checkGradient, type GradCheckResult, type GradOrder } from './check.js';

export interface GradCheckReport {
  pass: boolean;
  results: GradCheckResult[];
}

/** Checks every catalogued op at the given orders on the current backend. */
export function runGradChecks(orders: GradOrder[] = [1, 2]): GradCheckReport {
  const results = GRAD_CHECK_CASES.flatMap((test) => orders.map((order) => checkGradient(test, order)));
  return { pass: results.every((r) => r.pass), results };
}
