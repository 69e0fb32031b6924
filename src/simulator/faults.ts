/**
 * Fault injection: each request draws from a seeded PRNG, in arrival order,
 * whether it fails and how. Same seed, same sequence of requests → same
 * faults, so a test can replay a flaky run exactly.
 *
 * - a status fault answers before the request is processed (state unchanged);
 * - `reset` destroys the socket, half the time before processing and half the
 *   time after it (the change is made but the answer is lost), which is what
 *   makes retried writes prove their idempotence.
 */
import { mulberry32 } from './prng.js';

export const FAULT_STATUSES = [408, 429, 500, 502, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];
export type FaultKind = FaultStatus | 'reset';
/** Probability (0–1) of each fault per request; the sum must not exceed 1. */
export type FaultRates = Partial<Record<FaultKind, number>>;

/**
 * What an injected status fault carries: the documented JSON error, or what
 * a proxy in front of the API may send instead: an HTML page, nothing, a
 * megabyte of text, or the request's headers echoed back (the key included).
 */
export type FaultBody = 'json' | 'html' | 'empty' | 'huge' | 'echo';

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'status'; status: FaultStatus }
  | { kind: 'reset'; when: 'before' | 'after' };

const FAULT_KINDS: readonly FaultKind[] = [...FAULT_STATUSES, 'reset'];
const RATE_PATTERN = /^(?:0|1|0?\.\d+|0\.\d*|1\.0*)$/;

/**
 * Parses `429=0.1,500=0.05,reset=0.02` (the `--fault-rate` flag). Throws an
 * Error naming the offending part when a kind is unknown or repeated, a rate
 * is not a number in [0, 1], or the rates add up to more than 1.
 */
export function parseFaultRates(spec: string): FaultRates {
  const trimmed = spec.trim();
  if (trimmed === '') throw new Error('fault rate spec is empty; expected e.g. "429=0.1,500=0.05,reset=0.02"');
  const rates: FaultRates = {};
  for (const rawPart of trimmed.split(',')) {
    const part = rawPart.trim();
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(part);
    if (match === null) throw new Error(`fault rate "${part}" must look like KIND=RATE, e.g. 429=0.1`);
    const [, name = '', value = ''] = match;
    const kind = FAULT_KINDS.find((candidate) => String(candidate) === name);
    if (kind === undefined) {
      throw new Error(`unknown fault kind "${name}" in "${part}"; expected one of ${FAULT_KINDS.join(', ')}`);
    }
    if (rates[kind] !== undefined) throw new Error(`fault kind "${name}" is given twice`);
    if (!RATE_PATTERN.test(value)) throw new Error(`fault rate "${value}" for ${name} must be a number between 0 and 1`);
    rates[kind] = Number(value);
  }
  validateFaultRates(rates);
  return rates;
}

/** Throws when a rate is outside [0, 1] or the rates add up to more than 1. */
export function validateFaultRates(rates: FaultRates): void {
  let total = 0;
  for (const [kind, rate] of Object.entries(rates)) {
    if (!FAULT_KINDS.some((candidate) => String(candidate) === kind)) throw new Error(`unknown fault kind "${kind}"`);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new Error(`fault rate for ${kind} must be a number between 0 and 1, got ${String(rate)}`);
    }
    total += rate;
  }
  if (total > 1 + 1e-9) throw new Error(`fault rates add up to ${total}, more than 1`);
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly thresholds: Array<{ kind: FaultKind; upTo: number }> = [];

  constructor(rates: FaultRates, seed: number) {
    validateFaultRates(rates);
    this.random = mulberry32(seed);
    let cumulative = 0;
    for (const kind of FAULT_KINDS) {
      const rate = rates[kind] ?? 0;
      if (rate === 0) continue;
      cumulative += rate;
      this.thresholds.push({ kind, upTo: cumulative });
    }
  }

  /** One decision per request, in arrival order. */
  draw(): FaultDecision {
    if (this.thresholds.length === 0) return { kind: 'none' };
    const roll = this.random();
    const hit = this.thresholds.find((threshold) => roll < threshold.upTo);
    if (hit === undefined) return { kind: 'none' };
    if (hit.kind === 'reset') return { kind: 'reset', when: this.random() < 0.5 ? 'before' : 'after' };
    return { kind: 'status', status: hit.kind };
  }
}

const HUGE_BODY_BYTES = 1024 * 1024;

/** The text of a non-JSON fault body; `rawHeaders` as node:http gives them (name, value, name, value…). */
export function faultBodyText(kind: Exclude<FaultBody, 'json'>, status: number, rawHeaders: string[]): { text: string; contentType: string } {
  switch (kind) {
    case 'html':
      return { text: `<html>\n<head><title>${status} Error</title></head>\n<body>\n<center><h1>${status} Error</h1></center>\n<hr><center>proxy</center>\n</body>\n</html>\n`, contentType: 'text/html' };
    case 'empty':
      return { text: '', contentType: 'text/plain' };
    case 'huge':
      return { text: `upstream failure ${status}: `.padEnd(HUGE_BODY_BYTES, 'x'), contentType: 'text/plain' };
    case 'echo': {
      const lines: string[] = [];
      for (let index = 0; index + 1 < rawHeaders.length; index += 2) lines.push(`${rawHeaders[index]}: ${rawHeaders[index + 1]}`);
      return { text: `upstream failure ${status}; request was:\n${lines.join('\n')}\n`, contentType: 'text/plain' };
    }
  }
}
