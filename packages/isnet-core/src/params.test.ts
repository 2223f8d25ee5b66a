import { describe, expect, it } from 'vitest';
import { IsnetParamsError, parseIsnetLossParams } from './index.js';

describe('IsnetLossParams', () => {
  it('defaults to the reference values on MNIST, with the original L2 foreground form', () => {
    expect(parseIsnetLossParams()).toEqual({ P: 0.7, d: 0.9, E: 1, A: 1, B: 1, C1: 1, C2: 25, foreground: 'L2', dLoss: 0.8 });
    expect(parseIsnetLossParams({ C1: 0.002, C2: 0.01, foreground: 'hybrid' })).toMatchObject({ C1: 0.002, C2: 0.01, foreground: 'hybrid', P: 0.7 });
  });

  it.each([
    [{ C1: 5, C2: 5 }, /C2 must be greater than C1/],
    [{ C1: 30 }, /C2 must be greater than C1/],
    [{ P: 1.2 }, /P weighs the heatmap loss .* \[0, 1\]/],
    [{ P: -0.1 }, /P weighs/],
    [{ d: 0 }, /d is the GWRP decay .* \(0, 1\]/],
    [{ d: 1.1 }, /d is the GWRP decay/],
    [{ dLoss: 0 }, /dLoss is the GWRP decay/],
    [{ E: 0 }, /E, the constant .* must be positive/],
    [{ C1: -1 }, /C1, the lower target/],
    [{ A: -1 }, /A, the weight of the background loss/],
    [{ foreground: 'L1' }, /foreground/],
    [{ P: Number.NaN }, /P/],
    [{ c1: 2 }, /Unrecognized key: "c1"/],
  ])('rejects %o', (input, message) => {
    expect(() => parseIsnetLossParams(input)).toThrow(IsnetParamsError);
    expect(() => parseIsnetLossParams(input)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => parseIsnetLossParams({ P: 2, d: 0 })).toThrow(/P weighs[\s\S]*d is the GWRP decay/);
  });
});
