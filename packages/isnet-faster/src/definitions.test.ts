import { describe, expect, it } from 'vitest';
import { selectiveDeepSupervisionDefinition, selectiveDefinition, stochasticDeepSupervisionDefinition } from './definitions.js';

describe('deep supervision refuses untuned targets', () => {
  it.each([selectiveDeepSupervisionDefinition, stochasticDeepSupervisionDefinition])('$name: tuneEpochs 0 with the untuned C1/C2 is one clear error unless forced', (definition) => {
    const refused = definition.config.safeParse({ tuneEpochs: 0 });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues).toHaveLength(1);
    expect(refused.error!.issues[0]!.path).toEqual(['tuneEpochs']);
    expect(refused.error!.issues[0]!.message).toMatch(/^deep supervision on untuned targets .*force: true/);
    expect(refused.error!.issues[0]!.message).not.toContain('\n');
    for (const accepted of [
      { tuneEpochs: 0, force: true },
      { tuneEpochs: 1 },
      { tuneEpochs: 0, loss: { C1: 0.5, C2: 12 } },
      { tuneEpochs: 0, deepSupervision: { layers: ['a'], targets: [{ C1: 0.1, C2: 2 }] } },
    ]) {
      expect(definition.config.safeParse(accepted).success, JSON.stringify(accepted)).toBe(true);
    }
  });

  it('the -ds variants tune for 2 epochs by default; the plain ones do not tune and have no force option', () => {
    expect(selectiveDeepSupervisionDefinition.config.parse({})).toMatchObject({ tuneEpochs: 2, force: false });
    expect(stochasticDeepSupervisionDefinition.config.parse({})).toMatchObject({ tuneEpochs: 2, force: false });
    expect(selectiveDefinition.config.parse({})).toMatchObject({ tuneEpochs: 0 });
    expect(selectiveDefinition.config.safeParse({ force: true }).success).toBe(false);
  });
});
