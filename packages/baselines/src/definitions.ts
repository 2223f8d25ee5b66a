import { z } from 'zod';
import { ATTENTION_EXPLAINER } from '@isnet-bench/explainers';
import { LrpClassifier } from '@isnet-bench/lrp';
import { defineMethod } from '@isnet-bench/training';
import { createStandardClassifier } from './standard.js';

export const standardDefinition = defineMethod({
  name: 'standard',
  description: 'standard classifier: cross-entropy only (learns whatever shortcut the data offers)',
  paper: 'the reference every method is measured against: the backbone trained by cross-entropy alone',
  needsMasks: false,
  attentionExplainer: ATTENTION_EXPLAINER.name,
  config: z.strictObject({}),
  create: (_config, context) => createStandardClassifier(new LrpClassifier(context.backbone())),
});
