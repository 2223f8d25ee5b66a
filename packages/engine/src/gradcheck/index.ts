export { checkGradient, DEFAULT_TOLERANCE, type GradCheckCase, type GradCheckResult, type GradOrder } from './check.js';
export { GRAD_CHECK_CASES } from './cases.js';
export { seededRandom, separated, uniform } from './random.js';
export { runGradChecks, type GradCheckReport } from './run.js';
