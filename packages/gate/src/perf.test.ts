import { describe, expect, it } from 'vitest';
import { parsePerfStat } from './perf.js';

describe('parsePerfStat', () => {
  it('reads the count of `perf stat -x,` output', () => {
    expect(parsePerfStat('123456789,,instructions:u,2000000,100.00,,\n')).toEqual({ count: 123456789 });
  });

  it('skips lines of other events and perf notes', () => {
    const output = ['# started on Wed Dec  2 17:00:00 2026', '', '5000,,cycles:u,1000,100.00,,', '42,,instructions:u,1000,100.00,,'].join('\n');
    expect(parsePerfStat(output)).toEqual({ count: 42 });
  });

  it('gives the reason when the machine cannot count instructions (a VM without counters)', () => {
    expect(parsePerfStat('<not supported>,,instructions:u,0,100.00,,\n')).toEqual({ reason: 'perf stat: instructions <not supported>' });
    expect(parsePerfStat('<not counted>,,instructions:u,0,0.00,,\n')).toEqual({ reason: 'perf stat: instructions <not counted>' });
  });

  it('gives perf\'s first line when there is no instructions line at all', () => {
    expect(parsePerfStat('Error:\nNo permission to enable instructions:u event.\n')).toEqual({ reason: 'perf stat: no instruction count (Error:)' });
    expect(parsePerfStat('')).toEqual({ reason: 'perf stat: no instruction count' });
  });
});
