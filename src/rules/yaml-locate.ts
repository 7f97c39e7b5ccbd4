/**
 * Maps a JSON path (Ajv's instancePath, or our own semantic checks) back to a line and column of the YAML source,
 * so `rules check` can say "slow-boot.yaml:12:7" instead of "/rules/0/actions/1".
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

export interface SourcePos {
  line: number;
  col: number;
}


function findPair(node: Node, key: string): Pair<unknown, unknown> | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key) as Pair<unknown, unknown> | undefined;
}

/**
 * Position of the node at `path`, or of the deepest ancestor that exists (a missing key is reported where its
 * parent is). With `key`, the position of that key inside the node (for unknown or misspelt keys).
 */
export function locate(doc: Document, lc: LineCounter, path: readonly string[], key?: string): SourcePos {
  let node: Node | null = doc.contents as Node | null;
  let at: Node | null = node;
  let keyNode: unknown;
  for (const seg of path) {
    if (!node) break;
    let next: unknown;
    if (isSeq(node)) next = node.items[Number(seg)];
    else {
      const pair = findPair(node, seg);
      next = pair?.value;
      keyNode = pair?.key;
    }
    if (next && typeof next === 'object' && 'range' in next) {
      node = next as Node;
      at = node;
    } else {
      // The value is missing (e.g. `delay:` with nothing after it): point at its key.
      if (keyNode && typeof keyNode === 'object' && 'range' in keyNode) at = keyNode as Node;
      break;
    }
  }
  if (key !== undefined && node) {
    const k = findPair(node, key)?.key;
    if (k && typeof k === 'object' && 'range' in k) at = k as Node;
  }
  const offset = at?.range?.[0] ?? 0;
  const { line, col } = lc.linePos(offset);
  return { line, col };
}
