import type { LrSchedule } from './config.js';

/**
 * The learning rate of epoch `epoch` (0-based). Schedules change the rate per epoch, like
 * PyTorch's StepLR and CosineAnnealingLR(T_max = epochs) stepped once per epoch, so a run
 * resumed mid-epoch uses the same rate for the rest of it.
 */
export function learningRate(baseLr: number, schedule: LrSchedule, epoch: number, epochs: number): number {
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * schedule.gamma ** Math.floor(epoch / schedule.everyEpochs);
    case 'cosine':
      // Reaches 0 at epoch `epochs`, i.e. just after the last one.
      return (baseLr * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
  }
}
