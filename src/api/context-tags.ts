/**
 * The tags of the contexts one cluster hands out: a context carries the tag of its cluster
 * and key, so that one handed back for another key, or by another cluster, is refused (see
 * checkContext in values.ts). A tag is an MD5, a real share of a request's cost, so each
 * recent key's is remembered.
 */
import { md5Hex } from '../util/md5.js';

/** Keys whose tag is remembered; past the limit the memory starts over. */
const TAGS_REMEMBERED = 16_384;

export class ContextTags {
  private readonly tags = new Map<string, string>();

  constructor(private readonly clusterId: string) {}

  /** The tag of the contexts handed out for `key`. */
  of(key: string): string {
    const known = this.tags.get(key);
    if (known !== undefined) return known;
    const tag = md5Hex(`${this.clusterId}\u0000${key}`).slice(0, 16);
    if (this.tags.size >= TAGS_REMEMBERED) this.tags.clear();
    this.tags.set(key, tag);
    return tag;
  }
}
