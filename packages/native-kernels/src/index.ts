export { loadNativeKernels, setNativeThreads, NATIVE_ENV, NATIVE_THREADS_ENV, type NativeStatus } from './native.js';
export { registerNativeKernels, unregisterNativeKernels, NATIVE_KERNEL_NAMES } from './register.js';
export { SUM_ROWS_KERNEL } from './kernels/sum-rows.js';
export { CHANNEL_AFFINE_KERNEL } from './kernels/channel-affine.js';
export { CENTRED_SUMS_KERNEL, CHANNEL_MOMENTS_KERNEL } from './kernels/channel-stats.js';
export { LRP_SCALE_GRAD_KERNEL, LRP_SCALE_KERNEL, LRP_STABILIZE_KERNEL } from './kernels/lrp-scale.js';
export { PRODUCT_RATIO_GRAD_KERNEL, PRODUCT_RATIO_KERNEL } from './kernels/product-ratio.js';
export { RANK_WEIGHTS_KERNEL } from './kernels/rank-weights.js';
export { RELU_GRAD_KERNEL } from './kernels/relu-grad.js';
