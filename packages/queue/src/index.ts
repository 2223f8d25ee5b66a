export { describeQueue, QUEUE_NAME, QueueError, queueOptions } from './connection.js';
export { runSuiteOnQueue, type QueueRunOptions, type QueueRunResult } from './coordinator.js';
export { cellJobs, type CellJob, type CellJobData, type CellJobResult, type RecordOutcome } from './jobs.js';
export { createRecordOnce } from './record-once.js';
export { startWorker, type QueueWorker, type WorkerOptions } from './worker.js';
