/**
 * The seed's latency log formats, written and read back.
 *
 * Two line shapes, one operation per line:
 * - basic (`latency.log`): `PUT key=key4 latency=0.052ms`
 * - per configuration (`latency_configs.log`):
 *   `[N3_W1_R1] GET key=key7 latency=0.020ms N=3 W=1 R=1`
 *
 * Latency is kept in microseconds in memory (units in names) and written in milliseconds
 * with three decimals, which is exactly one microsecond of resolution: integer microsecond
 * values survive a write and a read unchanged.
 */

/** The two operations a Dynamo client issues. */
export type OpKind = 'GET' | 'PUT';

/** One measured operation from the basic log. */
export interface LatencyRecord {
  op: OpKind;
  key: string;
  latencyUs: number;
}

/** One measured operation from the configurations log, with its (N, W, R). */
export interface ConfigLatencyRecord extends LatencyRecord {
  n: number;
  w: number;
  r: number;
}

/** The label the seed gives a configuration, e.g. `N3_W1_R1`. */
export function configLabel(n: number, w: number, r: number): string {
  return `N${n}_W${w}_R${r}`;
}

/**
 * The nodes a configuration runs on, in the suite as in the seed: max(N, 5). The configurations
 * log does not record it, so the charts drawn from that log take it from here.
 */
export function configNodes(n: number): number {
  return Math.max(n, 5);
}

/** Formats one record as a basic log line (no trailing newline). */
export function formatLatencyLine(rec: LatencyRecord): string {
  return `${rec.op} key=${rec.key} latency=${formatMs(rec.latencyUs)}ms`;
}

/** Formats one record as a configurations log line (no trailing newline). */
export function formatConfigLine(rec: ConfigLatencyRecord): string {
  const label = configLabel(rec.n, rec.w, rec.r);
  return `[${label}] ${formatLatencyLine(rec)} N=${rec.n} W=${rec.w} R=${rec.r}`;
}

// The seed wrote two decimals (`0.05ms`), we write three: the parser accepts any number of
// decimals so that both the seed's logs and ours can be charted.
const MS = String.raw`(\d+(?:\.\d+)?)`;
const BASIC_RE = new RegExp(String.raw`^(GET|PUT) key=(\S+) latency=${MS}ms$`);
const CONFIG_RE = new RegExp(
  String.raw`^\[N(\d+)_W(\d+)_R(\d+)\] (GET|PUT) key=(\S+) latency=${MS}ms N=(\d+) W=(\d+) R=(\d+)$`,
);

/**
 * Parses a basic log. Blank lines are skipped; any other line that does not match the
 * format throws an Error naming its 1-based line number.
 */
export function parseLatencyLog(text: string): LatencyRecord[] {
  const records: LatencyRecord[] = [];
  forEachLine(text, (line, lineNo) => {
    const m = BASIC_RE.exec(line);
    if (!m) throw malformed('latency', lineNo, line);
    records.push({ op: m[1] as OpKind, key: field(m, 2), latencyUs: parseMsToUs(field(m, 3)) });
  });
  return records;
}

/**
 * Parses a configurations log. Blank lines are skipped; a line that does not match the
 * format, or whose `[N_W_R]` prefix disagrees with its `N= W= R=` suffix, throws an Error
 * naming its 1-based line number.
 */
export function parseConfigLog(text: string): ConfigLatencyRecord[] {
  const records: ConfigLatencyRecord[] = [];
  forEachLine(text, (line, lineNo) => {
    const m = CONFIG_RE.exec(line);
    if (!m) throw malformed('config latency', lineNo, line);
    const n = Number(field(m, 7));
    const w = Number(field(m, 8));
    const r = Number(field(m, 9));
    const prefix = `${field(m, 1)}_${field(m, 2)}_${field(m, 3)}`;
    // Both places carry the configuration; a disagreement means a corrupted or hand-edited
    // line, and charting it under either label would be a silent guess.
    if (prefix !== `${n}_${w}_${r}`) {
      throw new Error(`config latency log line ${lineNo}: label N${field(m, 1)}_W${field(m, 2)}_R${field(m, 3)} disagrees with N=${n} W=${w} R=${r}`);
    }
    records.push({
      op: m[4] as OpKind,
      key: field(m, 5),
      latencyUs: parseMsToUs(field(m, 6)),
      n,
      w,
      r,
    });
  });
  return records;
}

function formatMs(latencyUs: number): string {
  return (latencyUs / 1000).toFixed(3);
}

function parseMsToUs(ms: string): number {
  // Round to nanoseconds: 0.052 * 1000 is 52.00000000000001 in binary floating point.
  return Math.round(Number(ms) * 1_000_000) / 1000;
}

function forEachLine(text: string, visit: (line: string, lineNo: number) => void): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    // trimEnd: logs copied through Windows tools end lines with \r.
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') continue;
    visit(line, i + 1);
  }
}

function field(m: RegExpExecArray, index: number): string {
  const value = m[index];
  // The regexes have no optional groups, so a match always fills every group.
  if (value === undefined) throw new Error(`log regex group ${index} missing`);
  return value;
}

function malformed(kind: string, lineNo: number, line: string): Error {
  const shown = line.length > 80 ? `${line.slice(0, 80)}...` : line;
  return new Error(`${kind} log line ${lineNo} is malformed: ${JSON.stringify(shown)}`);
}
