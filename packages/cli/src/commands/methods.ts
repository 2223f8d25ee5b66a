import { parseFlags } from '../flags.js';
import { describeMethods } from '@isnet-bench/harness';
import { table } from '../io.js';
import type { Command } from './command.js';

export const methods: Command = {
  name: 'methods',
  summary: 'list the methods: what each is, its paper, whether it needs masks, its attention heatmap, its config defaults',
  usage: `isnet-bench methods [--json]

  --json   {"methods": [{"name", "description", "paper", "needsMasks", "attentionExplainer", "defaults"}]}
A method's config keys are those of its defaults; give them with train --set key=value or in a
suite's "config". Background attention is measured on each method's attentionExplainer: for every
method the LRP-Flex heatmap of the classifier that makes the test-time decision, whatever
heatmap the method trains on, so it compares across methods.`,
  async run(args, io) {
    const { values } = parseFlags({ args, options: { json: { type: 'boolean' } } });
    const list = describeMethods();
    if (values.json) {
      io.out(JSON.stringify({ methods: list }, null, 2));
      return 0;
    }
    io.out(table([['method', 'masks', 'description'], ...list.map((m) => [m.name, m.needsMasks ? 'yes' : 'no', m.description])]));
    io.out('');
    for (const m of list) io.out(`${m.name}: ${m.paper}\n  attention heatmap ${m.attentionExplainer}\n  defaults ${JSON.stringify(m.defaults)}`);
    return 0;
  },
};
