/**
 * The ring drawing's geometry: tokens as points clockwise from the top, and the vnodes where
 * the walk from a key's token met each node of its preference list and fallbacks.
 */
import { describe, expect, it } from 'vitest';
import { arcPath, pointOf, walkStops } from '../dashboard/src/ring-geometry.js';

const CENTRE = { x: 100, y: 100 };
const QUARTER = 2 ** 30;

describe('dashboard ring geometry - points', () => {
  it('token 0 is at the top, and a quarter of the ring further is at the right (clockwise)', () => {
    const top = pointOf(0, CENTRE, 50);
    const right = pointOf(QUARTER, CENTRE, 50);
    expect(top.x).toBeCloseTo(100);
    expect(top.y).toBeCloseTo(50);
    expect(right.x).toBeCloseTo(150);
    expect(right.y).toBeCloseTo(100);
  });

  it('an arc over more than half the ring is drawn as the large arc', () => {
    expect(arcPath(0, QUARTER, CENTRE, 50)).toContain(' 0 0 1 ');
    expect(arcPath(0, 3 * QUARTER, CENTRE, 50)).toContain(' 0 1 1 ');
    // Clockwise across token 0: from three quarters round to one quarter is half the ring or less.
    expect(arcPath(3 * QUARTER, QUARTER, CENTRE, 50)).toContain(' 0 0 1 ');
  });
});

describe('dashboard ring geometry - the walk', () => {
  const vnodes = [
    { token: 100, node: 'a' },
    { token: 200, node: 'b' },
    { token: 300, node: 'a' },
    { token: 400, node: 'c' },
    { token: 500, node: 'b' },
  ];

  it('each node stops the walk at its first vnode at or after the key', () => {
    const stops = walkStops(vnodes, 250, ['a', 'c', 'b']);
    expect(stops.get('a')?.token).toBe(300);
    expect(stops.get('c')?.token).toBe(400);
    expect(stops.get('b')?.token).toBe(500);
  });

  it('the walk wraps past the largest token to the start of the ring', () => {
    const stops = walkStops(vnodes, 450, ['b', 'a', 'c']);
    expect(stops.get('b')?.token).toBe(500);
    expect(stops.get('a')?.token).toBe(100);
    expect(stops.get('c')?.token).toBe(400);
  });

  it('a vnode at the key\'s token itself is where the walk starts', () => {
    expect(walkStops(vnodes, 200, ['b']).get('b')?.token).toBe(200);
  });

  it('vnodes in no particular order, and nodes without a vnode, are handled', () => {
    const stops = walkStops([...vnodes].reverse(), 0, ['a', 'z']);
    expect(stops.get('a')?.token).toBe(100);
    expect(stops.has('z')).toBe(false);
  });
});
