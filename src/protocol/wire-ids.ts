/**
 * Short codes for the ids in the messages of one link (a MessagePort between two threads):
 * the actors of dots and clocks, the nodes a reply lists, a client's `replyTo`, the initiator
 * of an anti-entropy repair. The same few
 * ids cross a link in nearly every message, and each crossed as a string: written by the
 * serializer, allocated again by the deserializer, and hashed into the string table when it
 * became a clock's property name. A code is a small integer, and the receiver's id for it is
 * one string, made once.
 *
 * The sender gives an id its code the first time it sends it on the link, and sends the
 * definition (a message of its own, `[0, code, id, ...]`) ahead of the message that uses it,
 * in the same order on the same port, so the receiver always knows a code before it meets it.
 * A definition states its code, so one arriving twice changes nothing. Codes live as long as
 * the port: a new port (a restarted node) starts both sides afresh. Links through the main
 * thread's switchboard carry plain strings, as does a link past MAX_CODED_IDS ids.
 *
 * A code the receiver does not know stays a number where a string belongs, which the guard
 * (guards.ts) refuses: a message is never read with the wrong id.
 */

/** The first element of a definitions message. */
export const ID_DEFINITIONS = 0;

/** The most ids one link gives codes; later ones cross as strings. */
export const MAX_CODED_IDS = 4096;

/** No codes: every id as the string it is (the uplink, and decoding without a link). */
export const NO_IDS: readonly string[] = [];

/** A sender's side of one link: the codes it gave, and the definitions not yet sent. */
export class IdEncoder {
  private readonly codes = new Map<string, number>();
  private definitions: unknown[] | null = null;

  /** `id`'s code on this link, given now if it has none (while codes are left); else `id`. */
  code(id: string): string | number {
    const known = this.codes.get(id);
    if (known !== undefined) return known;
    if (this.codes.size >= MAX_CODED_IDS) return id;
    const code = this.codes.size;
    this.codes.set(id, code);
    if (this.definitions === null) this.definitions = [ID_DEFINITIONS, code, id];
    else this.definitions.push(code, id);
    return code;
  }

  /** The definitions message for the codes given since the last call, or null: send it first. */
  takeDefinitions(): unknown[] | null {
    const definitions = this.definitions;
    this.definitions = null;
    return definitions;
  }
}

/** Whether a message off the wire is a definitions message (for `IdTable.define`), not a message. */
export function isDefinitions(wire: unknown): wire is readonly unknown[] {
  return Array.isArray(wire) && wire[0] === ID_DEFINITIONS;
}

/** A receiver's side of one link: its ids by code. */
export class IdTable {
  readonly ids: string[] = [];

  /**
   * Takes a definitions message, pair by pair: a code is the next one, or one already given
   * the same id. False at the first pair that is neither (or not a number and a string), and
   * nothing taken from there on.
   */
  define(wire: readonly unknown[]): boolean {
    for (let i = 1; i < wire.length; i += 2) {
      const code = wire[i];
      const id = wire[i + 1];
      if (typeof id !== 'string') return false;
      if (code === this.ids.length && code < MAX_CODED_IDS) this.ids.push(id);
      else if (typeof code !== 'number' || this.ids[code] !== id) return false;
    }
    return true;
  }
}
