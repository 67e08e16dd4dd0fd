// Types of scripts/lean-compact-data.mjs, for the test that holds it to the engine's merge.
/** Flat: [actor, counter, timeMs, gapCount, from, to, ...] per actor. */
export type FlatClock = readonly number[];
/** Flat: [value, deleted, actor, counter, timeMs] per version. */
export type FlatVersions = readonly unknown[];
export interface FlatSiblings {
  readonly versions: FlatVersions;
  readonly clock: FlatClock;
}
export declare const VERSION_WIDTH: number;
export declare const Code: Readonly<Record<string, number>>;
export declare const EMPTY: FlatSiblings;
export declare function counterOf(clock: FlatClock, actor: number): number;
export declare function withinLimits(clock: FlatClock, maxActors: number, maxGaps: number): boolean;
export declare function boundGaps(clock: FlatClock, versions: FlatVersions, maxGaps: number): FlatClock;
export declare function covers(clock: FlatClock, actor: number, counter: number): boolean;
export declare function joinClocks(a: FlatClock, b: FlatClock): FlatClock;
export declare function merge(a: FlatSiblings, b: FlatSiblings): FlatSiblings;
export declare function writeOf(value: string, actor: number, counter: number, timeMs: number, clock: FlatClock): FlatSiblings;
export declare function readVersions(w: readonly unknown[], at: number): unknown[] | null;
export declare function readClock(w: readonly unknown[], at: number): number[] | null;
export declare function writeSiblings(out: unknown[], versions: FlatVersions, clock: FlatClock): unknown[];
export declare function isKey(x: unknown): x is string;
export declare function isReqId(x: unknown): x is number;
export declare function isCount(x: unknown): x is number;
