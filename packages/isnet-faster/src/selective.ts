import type { LrpClassifier } from '@isnet-bench/lrp';
import type { Method } from '@isnet-bench/training';
import { SelectiveIsnetConfig, type SelectiveIsnetConfigInput } from './config.js';
import { fasterIsnetMethod } from './isnet-method.js';

/**
 * Selective ISNet: explains eta_c = log(p_c + e_s) - log(1 - p_c + e_s). As published (and in
 * the reference code), the trained class is the LOWEST logit; 'highest' and 'label' are options.
 */
export function createSelectiveIsnet(classifier: LrpClassifier, input: SelectiveIsnetConfigInput = {}): Method {
  const config = SelectiveIsnetConfig.parse(input);
  const name = config.deepSupervision ? 'selective-ds' : 'selective';
  return fasterIsnetMethod(name, classifier, config, { quantity: 'selective', classes: () => config.explainedClass });
}
