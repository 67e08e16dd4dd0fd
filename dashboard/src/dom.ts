/**
 * Small DOM helpers. Views build their elements once and then only change what changed
 * (text, attributes, rows added or removed), so that a table of 20 nodes is not rebuilt
 * every second.
 */

/** Attributes of a new element: strings as attributes, `true` as an empty attribute, false/undefined skipped. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** A child of a new element: an element, text, or nothing. */
export type Child = Node | string | null | undefined;

/** A new element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  element.append(...children.filter((child): child is Node | string => child !== null && child !== undefined));
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A new SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  element.append(...children.filter((child): child is Node | string => child !== null && child !== undefined));
  return element;
}

export function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

/** Sets an element's text, touching the DOM only when it changed. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Sets an attribute, touching the DOM only when it changed (undefined removes it). */
export function setAttr(element: Element, name: string, value: string | undefined): void {
  if (value === undefined) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

/** The element with `id`, which the page must have: a missing one is a bug in index.html. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no <${type.name}> #${id}`);
  return element;
}

/**
 * Rows (or other children) of a container, one per key, kept across renders: `sync` adds the
 * rows of new keys, removes those of keys gone, puts them in the given order, and calls
 * `update` on each, which should change only what differs.
 */
export class KeyedChildren<T, E extends Element> {
  private readonly rows = new Map<string, E>();

  constructor(
    private readonly container: Element,
    private readonly create: (item: T) => E,
    private readonly update: (row: E, item: T) => void,
  ) {}

  sync(items: readonly T[], keyOf: (item: T) => string): void {
    const wanted = new Set<string>();
    let previous: E | null = null;
    for (const item of items) {
      const key = keyOf(item);
      wanted.add(key);
      let row = this.rows.get(key);
      if (row === undefined) {
        row = this.create(item);
        this.rows.set(key, row);
      }
      this.update(row, item);
      // Only move a row that is out of place, so that a steady table is left alone.
      const expectedAfter: Element | null = previous === null ? this.container.firstElementChild : previous.nextElementSibling;
      if (expectedAfter !== row) {
        if (previous === null) this.container.prepend(row);
        else previous.after(row);
      }
      previous = row;
    }
    for (const [key, row] of this.rows) {
      if (!wanted.has(key)) {
        row.remove();
        this.rows.delete(key);
      }
    }
  }

  clear(): void {
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
  }
}
