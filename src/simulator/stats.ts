/**
 * What the simulator observed, for tests and benchmarks: counts, peak
 * concurrency, injected faults, ordering violations and a log of every write
 * call (so a test can check that removals started only after the unassigns of
 * the same workspace ended).
 */

export interface WriteLogEntry {
  /** Arrival order of the request among all requests since the last reset (1-based). */
  seq: number;
  method: string;
  path: string;
  /** Route pattern, e.g. `POST /workspaces/{id}/members/remove`. */
  route: string;
  /** HTTP status answered; 0 when the connection was reset instead. */
  status: number;
  userIds?: string[];
  keyHashes?: string[];
  /** `408` … `504`, `reset-before` or `reset-after` when a fault was injected. */
  fault?: string;
  /** `performance.now()` milliseconds at arrival and when the answer was sent (or the socket reset). */
  startedAt: number;
  endedAt: number;
}

export class SimulatorStats {
  requests = 0;
  writes = 0;
  /** Requests per route pattern, e.g. `GET /workspaces/{id}/members`; `unmatched` for unknown routes. */
  byRoute: Record<string, number> = {};
  inFlight = 0;
  maxInFlight = 0;
  faultsInjected = 0;
  faultsByKind: Record<string, number> = {};
  /** Requests per `User-Agent` header; `''` for requests without one. */
  userAgents: Record<string, number> = {};
  /** Call sequences a correct client never produces, in words. */
  violations: string[] = [];
  log: WriteLogEntry[] = [];

  /** Zeroes every counter; requests still in flight keep counting toward `inFlight`. */
  reset(): void {
    this.requests = 0;
    this.writes = 0;
    this.byRoute = {};
    this.maxInFlight = this.inFlight;
    this.faultsInjected = 0;
    this.faultsByKind = {};
    this.userAgents = {};
    this.violations = [];
    this.log = [];
  }
}
