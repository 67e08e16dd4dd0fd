/** How numbers read on the dashboard: '—' for unknown, units spelled out. */

export const UNKNOWN = '—';

// One formatter for every number: toLocaleString builds a new one per call, which a table of
// a few hundred links, redrawn every second, pays for in milliseconds.
const WHOLE = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? UNKNOWN : WHOLE.format(Math.round(value));
}

/** A rate per second, one decimal below 10. */
export function formatRate(perS: number | null | undefined): string {
  if (perS === null || perS === undefined) return UNKNOWN;
  return perS < 10 ? perS.toFixed(1) : WHOLE.format(Math.round(perS));
}

/** A share from 0 to 1 as a percentage. */
export function formatShare(share: number | null | undefined): string {
  return share === null || share === undefined ? UNKNOWN : `${(share * 100).toFixed(1)} %`;
}

export function formatPercent(percent: number | null | undefined): string {
  return percent === null || percent === undefined ? UNKNOWN : `${percent.toFixed(1)} %`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return UNKNOWN;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return UNKNOWN;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`;
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}

export function formatTime(atMs: number): string {
  return new Date(atMs).toLocaleTimeString('en-GB', { hour12: false });
}
