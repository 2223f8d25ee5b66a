/** A training config that does not parse; the message names the bad fields. */
export class TrainConfigError extends Error {
  override readonly name = 'TrainConfigError';
}

/** A checkpoint that is missing, damaged or does not fit the method / optimizer / run. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly dir: string;
  readonly problem: string;

  constructor(dir: string, problem: string) {
    super(`checkpoint ${dir}: ${problem}`);
    this.dir = dir;
    this.problem = problem;
  }
}

/** Where training stopped; 0-based indices (messages show them 1-based with totals). */
export interface StepPosition {
  readonly epoch: number;
  readonly epochs: number;
  readonly batchIndex: number;
  readonly batches: number;
  /** Global step (0-based) of the step that diverged. */
  readonly step: number;
}

/** The loss of a step was not finite or exploded; raised before the update, so weights and checkpoints stay at the last good step. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
  readonly position: StepPosition;
  /** The offending values: 'total', a method's loss part, or 'gradient norm'. */
  readonly parts: readonly { readonly name: string; readonly value: number }[];

  constructor(position: StepPosition, parts: readonly { name: string; value: number }[]) {
    const where = `epoch ${position.epoch + 1}/${position.epochs}, batch ${position.batchIndex + 1}/${position.batches} (step ${position.step + 1})`;
    const what = parts.map(({ name, value }) => `${name} = ${value}`).join(', ');
    super(`training diverged at ${where}: ${what}; the last checkpoint is left as it was`);
    this.position = position;
    this.parts = parts;
  }
}
