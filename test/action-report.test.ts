/** What the action posts, from the exit code and what the CLI printed alone. */
import { describe, expect, it } from 'vitest';
import { codeBlock, markerOf, renderReport, verdictOf, type RunOutcome } from '../src/action/report.js';

const outcome = (fields: Partial<RunOutcome>): RunOutcome => ({ command: 'plan', config: 'gatesync.yaml', stdout: '', stderr: '', ...fields });

describe('action report', () => {
  it('reads the verdict from the exit code, so it holds whether or not the CLI marks refused plans itself', () => {
    expect(verdictOf(outcome({ exitCode: 0 }))).toBe('no-changes');
    expect(verdictOf(outcome({ exitCode: 2 }))).toBe('changes');
    expect(verdictOf(outcome({ exitCode: 3, stdout: '### gatesync plan\n\nPlan refused' }))).toBe('unsafe');
    expect(verdictOf(outcome({ exitCode: 1, stdout: '{"error":{"kind":"config"}}' }))).toBe('error');
    expect(verdictOf(outcome({ notRun: 'no key' }))).toBe('not-run');
    expect(verdictOf(outcome({ command: 'apply', exitCode: 0 }))).toBe('ok');
  });

  it('keeps printed text inside its code block, whatever backticks it holds', () => {
    expect(codeBlock('a ``` b')).toBe('````text\na ``` b\n````');
    expect(codeBlock('plain')).toBe('```text\nplain\n```');
  });

  it('one marker per command and file, so two files in one repository keep two comments', () => {
    expect(markerOf('plan', 'a.yaml')).not.toBe(markerOf('plan', 'b.yaml'));
    expect(markerOf('plan', 'a.yaml')).not.toBe(markerOf('apply', 'a.yaml'));
    expect(renderReport(outcome({ exitCode: 0, stdout: 'x' }), {}).startsWith(markerOf('plan', 'gatesync.yaml') + '\n')).toBe(true);
  });

  it('cuts a long error output so the comment stays under GitHub\'s limit', () => {
    const body = renderReport(outcome({ exitCode: 1, stderr: 'e'.repeat(100_000) }), {});
    expect(body.length).toBeLessThan(10_000);
    expect(body).toContain('more characters in the workflow log');
  });
});
