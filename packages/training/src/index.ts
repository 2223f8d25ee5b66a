export type { Method, MethodLoss } from './method.js';
