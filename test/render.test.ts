import { describe, expect, it } from 'vitest';
import { plan } from '../src/plan/plan.js';
import { renderMarkdown, MARKDOWN_LIMIT } from '../src/cli/render-markdown.js';
import { colourPaint, renderText } from '../src/cli/render-text.js';
import { desiredOf, observedOf } from './support/states.js';

const small = () => {
  const observed = observedOf({
    users: ['u1', 'u2', 'u3', 'u4'],
    workspaces: { research: { members: ['u1', 'u2'], guardrails: { A: ['u1'], B: ['u2'] } }, platform: { members: ['u4'] } },
  });
  return plan(
    desiredOf(observed, {
      research: { members: ['u1', 'u3'], guardrails: { A: [], B: ['u1', 'u3'] }, via: { u3: 'interns' } },
      platform: { members: [], protected: ['u4'] },
    }),
    observed,
  );
};

describe('text plan', () => {
  it('groups by workspace and guardrail, names both guardrails of a move, and ends with the summary', () => {
    expect(renderText(small())).toBe(
      [
        'workspace platform',
        '  membership',
        '    = u4@corp.example (u4)  kept (protected)',
        '',
        'workspace research',
        '  membership',
        '    + u3@corp.example (u3)  (via group interns)',
        '    - u2@corp.example (u2)',
        '  guardrail B',
        '    + u3@corp.example (u3)  (via group interns)',
        '    ~ u1@corp.example (u1)  moves from A to B',
        '    - u2@corp.example (u2)  (leaves the workspace)',
        '',
        'Plan: 1 to add, 1 to remove, 1 to assign, 1 to unassign, 1 to move, in 1 workspace.',
        '',
      ].join('\n'),
    );
  });

  it('colours signs when asked to', () => {
    const text = renderText(small(), colourPaint);
    expect(text).toContain('\u001b[32m    + u3@corp.example');
    expect(text).toContain('\u001b[31m    - u2@corp.example');
  });
});

describe('markdown plan', () => {
  it('has a summary table and diff blocks', () => {
    const markdown = renderMarkdown(small());
    expect(markdown).toContain('| `research` | 1 | 1 | 1 | 1 | 1 | 0 |');
    expect(markdown).toContain('```diff\n+ u3@corp.example (u3)  (via group interns)\n! u1@corp.example (u1)  moves from A to B');
  });

  it('fits a 10,000-change plan in one comment, collapsing big resources and saying what was cut', () => {
    const users = Array.from({ length: 2_500 }, (_, i) => `user_${String(i).padStart(5, '0')}`);
    const workspaces = Object.fromEntries(['w1', 'w2', 'w3', 'w4'].map((slug) => [slug, { members: [] as string[], guardrails: { A: [] } }]));
    const observed = observedOf({ users, workspaces });
    const desired = desiredOf(
      observed,
      Object.fromEntries(['w1', 'w2', 'w3', 'w4'].map((slug) => [slug, { members: users, guardrails: { A: users.slice(0, 0) } }])),
    );
    const big = plan(desired, observed);
    expect(big.summary.total).toBe(10_000);
    const markdown = renderMarkdown(big);
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(markdown).toContain('<details><summary>membership — 2500 changes</summary>');
    const shown = markdown.split('\n').filter((line) => line.startsWith('+ ')).length;
    const cut = /(\d+) more changes in (\d+) resources? not shown/.exec(markdown);
    expect(cut).not.toBeNull();
    expect(shown + Number(cut![1])).toBe(10_000);
    expect(markdown.split('```').length % 2).toBe(1);
    expect(markdown.match(/<details>/g)!.length).toBe(markdown.match(/<\/details>/g)!.length);
  });

  it('keeps small plans whole', () => {
    expect(renderMarkdown(small())).not.toContain('Output cut');
  });
});

describe('key changes', () => {
  const withKeys = () => {
    const observed = observedOf({
      users: ['u1'],
      workspaces: { research: { members: ['u1'], guardrails: { A: [], B: [] }, keys: { ci: 'B', notebooks: null, old: 'A', pinned: 'A' } } },
    });
    return plan(
      desiredOf(observed, { research: { protectedKeys: ['pinned'], guardrails: { A: { members: [], keys: ['ci', 'notebooks'] } } } }),
      observed,
    );
  };

  it('text: each key by name and label, under its guardrail, moves naming both guardrails, protected keys kept', () => {
    expect(renderText(withKeys())).toBe(
      [
        'workspace research',
        '  guardrail A',
        '    + key notebooks (sk-…notebooks)',
        '    ~ key ci (sk-…ci)  moves from B to A',
        '    - key old (sk-…old)',
        '    = key pinned (sk-…pinned)  kept (protected)',
        '',
        'Plan: 1 key to assign, 1 key to unassign, 1 key to move, in 1 workspace.',
        '',
      ].join('\n'),
    );
  });

  it('markdown: the same lines in the diff block', () => {
    const markdown = renderMarkdown(withKeys());
    expect(markdown).toContain('+ key notebooks (sk-…notebooks)');
    expect(markdown).toContain('! key ci (sk-…ci)  moves from B to A');
    expect(markdown).toContain('- key old (sk-…old)');
  });
});
