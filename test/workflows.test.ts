/** The sample repo's GitHub Actions workflows parse, and every gatesync command in them is one the CLI accepts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCliArgs } from '../src/cli/args.js';

const dir = join(import.meta.dirname, '..', 'examples', '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; steps: Array<{ run?: string; uses?: string }> }>;
}
const load = (file: string) => parse(readFileSync(join(dir, file), 'utf8'), { uniqueKeys: true }) as Workflow;
const gatesyncCommands = (workflow: Workflow) =>
  Object.values(workflow.jobs)
    .flatMap((job) => job.steps.flatMap((step) => (step.run ?? '').split('\n')))
    .flatMap((line) => [...line.matchAll(/(?:^|\s)gatesync\s+([^|>;&]+)/g)].map((m) => m[1]!.trim().split(/\s+/)));

describe('examples/.github/workflows', () => {
  it('holds the plan, apply and drift workflows', () => {
    expect(files.sort()).toEqual(['gatesync-apply.yml', 'gatesync-drift.yml', 'gatesync-plan.yml']);
  });

  it.each(files)('%s parses and uses only valid gatesync commands', (file) => {
    const workflow = load(file);
    expect(workflow.name).toMatch(/^gatesync /);
    expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
    const commands = gatesyncCommands(workflow);
    expect(commands.length).toBeGreaterThan(0);
    for (const argv of commands) expect(() => parseCliArgs(argv), argv.join(' ')).not.toThrow();
  });

  it('plans on pull requests and updates one comment in place', () => {
    const workflow = load('gatesync-plan.yml');
    expect(workflow.on).toHaveProperty('pull_request');
    const commands = gatesyncCommands(workflow).map((argv) => parseCliArgs(argv));
    expect(commands.find((a) => a.command === 'plan')).toMatchObject({ format: 'markdown', out: 'plan.json', detailedExitcode: true });
    const script = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');
    expect(script).toContain('--method PATCH');
  });

  it('applies the reviewed saved plan on merge to main', () => {
    const workflow = load('gatesync-apply.yml');
    expect(workflow.on).toMatchObject({ push: { branches: ['main'] } });
    const apply = gatesyncCommands(workflow).map((argv) => parseCliArgs(argv)).find((a) => a.command === 'apply');
    expect(apply).toMatchObject({ positionals: ['plan.json'], yes: true });
  });

  it('checks drift nightly with --detailed-exitcode', () => {
    const workflow = load('gatesync-drift.yml');
    expect(workflow.on).toHaveProperty('schedule');
    const plan = gatesyncCommands(workflow).map((argv) => parseCliArgs(argv)).find((a) => a.command === 'plan');
    expect(plan).toMatchObject({ detailedExitcode: true, format: 'json' });
  });
});
