export { BACKBONES, buildBackbone, type Backbone, type BackboneInfo } from './backbones.js';
export { describeBackbone, type BackboneSummary } from './describe.js';
export { BackboneName, backboneOptionsSchema, type BackboneOptions } from './options.js';
export { apply, conv, convBnRelu, poolAndClassify } from './blocks.js';
export { reluKernel } from './seeds.js';
