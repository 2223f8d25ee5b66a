export { FixtureError, loadFixture, parseFixture, type Fixture, type FixtureLayer } from './fixture.js';
export { rebuildNetwork, type MappedParameter, type RebuiltNetwork } from './build-model.js';
export { RELATIVE_TOLERANCE, runFixture, type ConformanceReport, type ConformanceResult } from './run.js';
