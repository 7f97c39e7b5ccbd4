/**
 * RFC 6901 JSON Pointer reads and in-place edits on a payload the caller already cloned.
 * Small enough that a dependency would cost more than it saves; segments come pre-split (pointerSegments).
 */

type Container = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

function child(node: unknown, seg: string): { found: boolean; value: unknown } {
  if (Array.isArray(node)) {
    const i = Number(seg);
    return Number.isInteger(i) && i >= 0 && i < node.length ? { found: true, value: node[i] } : { found: false, value: undefined };
  }
  if (isContainer(node) && Object.hasOwn(node, seg)) return { found: true, value: (node as Record<string, unknown>)[seg] };
  return { found: false, value: undefined };
}

export function getAt(root: unknown, segs: readonly string[]): { found: boolean; value: unknown } {
  let cur: { found: boolean; value: unknown } = { found: true, value: root };
  for (const seg of segs) {
    cur = child(cur.value, seg);
    if (!cur.found) return cur;
  }
  return cur;
}

/** Parent container of the last segment, creating missing objects on the way ('-' appends to an array). */
function parentOf(root: unknown, segs: readonly string[], create: boolean): Container | undefined {
  let node = root;
  for (const seg of segs.slice(0, -1)) {
    const next = child(node, seg);
    if (next.found && isContainer(next.value)) node = next.value;
    else if (create && !next.found && isContainer(node) && !Array.isArray(node)) {
      const made: Record<string, unknown> = {};
      node[seg] = made;
      node = made;
    } else return undefined;
  }
  return isContainer(node) ? node : undefined;
}

/** Set the value at the pointer; returns false when the path cannot hold it (e.g. through a string). */
export function setAt(root: unknown, segs: readonly string[], value: unknown): boolean {
  const last = segs.at(-1);
  const parent = parentOf(root, segs, true);
  if (last === undefined || !parent) return false;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) return false;
    parent[i] = value;
  } else parent[last] = value;
  return true;
}

export function deleteAt(root: unknown, segs: readonly string[]): boolean {
  const last = segs.at(-1);
  const parent = parentOf(root, segs, false);
  if (last === undefined || !parent || !child(parent, last).found) return false;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return true;
}

/** Rename the key at the pointer, keeping its place among its siblings (order matters to some parsers). */
export function renameAt(root: unknown, segs: readonly string[], name: string): boolean {
  const last = segs.at(-1);
  const parent = parentOf(root, segs, false);
  if (last === undefined || !parent || Array.isArray(parent) || !Object.hasOwn(parent, last)) return false;
  const entries = Object.entries(parent).map(([k, v]): [string, unknown] => [k === last ? name : k, v]);
  for (const k of Object.keys(parent)) delete parent[k];
  for (const [k, v] of entries) parent[k] = v;
  return true;
}

/** Split an RFC 6901 pointer into unescaped segments ('' → []). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
