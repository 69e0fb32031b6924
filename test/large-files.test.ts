/** Files past the yaml package's comfortable size load when they keep to plain block style, as `export` writes them. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { MAX_FULL_YAML_BYTES } from '../src/config/limits.js';

describe('large files', () => {
  it('a 300,000-membership file of 13 MB loads, comments and all', () => {
    const members = Array.from({ length: 300_000 }, (_, i) => `      - member${i}@corp.example  # Member ${i}\n`).join('');
    const text = `# yaml-language-server: $schema=./gatesync.schema.json\nversion: 1\nworkspaces:\n  research:\n    members:\n${members}`;
    expect(text.length).toBeGreaterThan(2 * MAX_FULL_YAML_BYTES);
    const loaded = loadConfig(text, 'g.yaml');
    expect(loaded.errors).toEqual([]);
    const workspace = loaded.config!.workspaces[0]!;
    expect(workspace.members).toHaveLength(300_000);
    expect(workspace.members![299_999]!.location).toEqual({ file: 'g.yaml', line: 300_005, col: 9, path: '/workspaces/research/members/299999' });
  });
});
