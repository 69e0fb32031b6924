/** Pure helpers of the request layer: masking the key, excerpting server answers, checking the key and the base URL. */
import { describe, expect, it } from 'vitest';
import { apiKeyProblem } from '../src/providers/api-key.js';
import { checkBaseUrl, isLoopbackHost } from '../src/providers/api-client.js';
import { apiErrorFromBody, excerpt, MAX_EXCERPT_CHARS } from '../src/providers/api-error.js';
import { redactKey } from '../src/providers/redact.js';

const KEY = 'sk-mg-v1-SECRETSE7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c';

describe('redactKey', () => {
  it('masks the whole key and any run of twelve or more of its characters', () => {
    expect(redactKey(`a ${KEY} b`, KEY)).toBe('a [REDACTED] b');
    expect(redactKey(`cut: ${KEY.slice(0, 17)}`, KEY)).toBe('cut: [REDACTED]');
    expect(redactKey(`middle ${KEY.slice(20, 45)} end`, KEY)).toBe('middle [REDACTED] end');
    expect(redactKey(`${KEY.slice(30)}${KEY}`, KEY)).toBe('[REDACTED]');
  });

  it('masks exactly what masking every twelve-character run of the key would, on random texts', () => {
    const naive = (text: string, key: string) => {
      const covered = new Array<boolean>(text.length).fill(false);
      for (let i = 0; i + 12 <= key.length; i++) {
        const fragment = key.slice(i, i + 12);
        for (let at = text.indexOf(fragment); at !== -1; at = text.indexOf(fragment, at + 1)) covered.fill(true, at, at + 12);
      }
      return text.replace(/[^]/g, (char, at: number) => (covered[at] ? (covered[at - 1] ? '' : '[REDACTED]') : char));
    };
    let seed = 7;
    const random = (below: number) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % below;
    for (let round = 0; round < 300; round++) {
      // A short alphabet repeats blocks inside the key and makes near-misses common; a long one puts each run at one place only.
      const alphabet = round % 2 ? 'ab-c' : 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
      const key = Array.from({ length: 12 + random(40) }, () => alphabet[random(alphabet.length)]).join('');
      let text = '';
      while (text.length < 200) {
        const start = random(key.length);
        text += random(2) ? key.slice(start, start + 10 + random(6)) : 'abc-xyz'[random(7)]!;
      }
      expect(redactKey(text, key), `key ${key}, text ${text}`).toBe(naive(text, key));
    }
  });

  it('leaves text without such a run exactly as it was', () => {
    const json = JSON.stringify({ workspaces: ['/workspaces/research'], count: 1, key: KEY.slice(0, 11) });
    expect(redactKey(json, KEY)).toBe(json);
    expect(redactKey('plain', undefined)).toBe('plain');
  });
});

describe('excerpt', () => {
  it('never carries a piece of the key, even when the cut would fall inside it', () => {
    for (let pad = 150; pad < 230; pad++) {
      const body = `${'x'.repeat(pad)} Authorization: Bearer ${KEY} more`;
      const text = excerpt(body, KEY);
      expect(text).not.toMatch(/sk-mg|SECRET/);
      expect(text.length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS + 1);
    }
  });

  it('drops the start of the key where only part of a huge body is looked at', () => {
    for (const spaces of [16_380, 16_383]) {
      const text = excerpt(`${' '.repeat(spaces)}${KEY} tail ${'z'.repeat(100_000)}`, KEY);
      expect(text).not.toMatch(/sk-|SECRET/);
    }
  });

  it('drops Authorization and Bearer values whatever key they hold', () => {
    const other = 'sk-mg-v1-0123456789abcdef0123456789abcdef';
    expect(excerpt(`{"headers":{"authorization":"Bearer ${other}"}}`, KEY)).not.toContain('0123456789');
    expect(excerpt(`proxy said: Bearer ${other}`, KEY)).toBe('proxy said: Bearer [REDACTED]');
    expect(excerpt(`Authorization: Basic dXNlcjpwYXNz\nnext`, KEY)).toBe('Authorization: [REDACTED] next');
  });

  it('reduces HTML to its text, empty bodies to nothing, and huge ones to a short line', () => {
    expect(excerpt('<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>', KEY)).toBe('502 Bad Gateway 502');
    expect(excerpt('  \n ', KEY)).toBe('');
    const huge = excerpt(`start ${'y'.repeat(5_000_000)}`, KEY);
    expect(huge.length).toBe(MAX_EXCERPT_CHARS + 1);
    expect(huge.endsWith('…')).toBe(true);
    expect(excerpt('bell\u0007 and \u001b[31mred', KEY)).toBe('bell and [31mred');
  });

  it('builds API errors from any body with an excerpt as the message', () => {
    expect(apiErrorFromBody(502, '', 'GET', '/workspaces', KEY).message).toBe('GET /workspaces answered 502: HTTP 502 with an empty body');
    expect(apiErrorFromBody(502, '<html><title>Bad gateway</title></html>', 'GET', '/w', KEY).apiMessage).toBe('HTTP 502 with an HTML page: "Bad gateway"');
    const echoed = apiErrorFromBody(400, JSON.stringify({ error: { code: 400, message: `bad header Bearer ${KEY}` } }), 'POST', '/x', KEY);
    expect(echoed.apiMessage).toBe('bad header Bearer [REDACTED]');
  });
});

describe('apiKeyProblem', () => {
  it('refuses keys too short or malformed to be real, without quoting them', () => {
    expect(apiKeyProblem('k')).toMatch(/1 character long, too short/);
    expect(apiKeyProblem('12345')).toMatch(/5 characters long/);
    expect(apiKeyProblem('sk-mg-v1-with space inside')).toMatch(/characters a management key never has/);
    expect(apiKeyProblem('sk-mg-v1-"quoted"-0123456789')).toBeDefined();
    expect(apiKeyProblem(KEY)).toBeUndefined();
  });
});

describe('base URL', () => {
  it('allows plain http only for loopback addresses and localhost', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '[::1]', 'localhost', '[::ffff:127.0.0.1]']) {
      expect(checkBaseUrl(`http://${host}:8080/api/v1`).port, host).toBe('8080');
    }
    for (const host of ['127.attacker.example', '127.0.0.1.nip.io', 'localhost.attacker.example', '[::2]', '10.0.0.8', 'modelgates.example']) {
      expect(() => checkBaseUrl(`http://${host}/api/v1`), host).toThrow(/must use https/);
    }
    expect(isLoopbackHost('127.attacker.example')).toBe(false);
    expect(checkBaseUrl('https://modelgates.ai/api/v1').protocol).toBe('https:');
  });

  it('names a mistyped scheme and a string that is no URL', () => {
    expect(() => checkBaseUrl('htps://modelgates.ai/api/v1')).toThrow('MODELGATES_BASE_URL must start with https:// but starts with "htps:" (e.g. https://modelgates.ai/api/v1)');
    expect(() => checkBaseUrl('modelgates.ai/api/v1')).toThrow(/is not a URL \(e\.g\. https:\/\/modelgates\.ai\/api\/v1\)/);
  });
});
