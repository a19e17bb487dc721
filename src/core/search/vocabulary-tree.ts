import { grow, owned } from './postings.js';

/** A radix tree as a snapshot keeps it: its arrays, used parts only. */
export interface TreeState {
  /** Per node: its first and last edge (-1: none), interleaved. */
  treeNodes: Int32Array;
  /** Per edge: label term, label end (-1: a leaf), target, next edge of the same node; interleaved. */
  treeEdges: Int32Array;
}

/** Int32s per edge in `edges`, and the fields' places. */
const EDGE = 4;
const TERM = 0;
const END = 1;
const TARGET = 2;
const NEXT = 3;
/** The END of a leaf edge. */
const LEAF = -1;

/**
 * The vocabulary's radix tree for prefix and typo lookup, the same tree minisearch's SearchableMap
 * builds (the same nodes, and each node's edges in the same order, so lookups list terms in the
 * same order and ranking does not move), kept in two Int32Arrays instead of a Map per node: at
 * 100k papers about 330k Maps and 600k label strings took some 68 MB; these take about 15, and a
 * snapshot restores them as they are.
 *
 * A node is a chain of edges in insertion order (a split moves the edge to the end, as a Map's
 * delete and set do). An edge's label is a slice of a vocabulary term, [start, end) of
 * terms[term], where start is the depth of the node it leaves (the term's first `start`
 * characters are the path there), so an edge keeps only its end and every walk from the root
 * knows the start. The leaf edge ('' in minisearch) has end -1 and target -1 - the id of the term
 * ending at the node; any other edge's target is its child node. Node 0 is the root.
 */
export class VocabularyTree {
  private nodes: Int32Array<ArrayBuffer>;
  private edges: Int32Array<ArrayBuffer>;
  private nodeCount: number;
  private edgeCount: number;

  /** `terms`: the vocabulary by id (labels are slices of it); it may grow, terms never change. */
  constructor(private readonly terms: readonly string[], state?: TreeState) {
    if (state) {
      this.nodes = owned(state.treeNodes);
      this.edges = owned(state.treeEdges);
      this.nodeCount = state.treeNodes.length / 2;
      this.edgeCount = state.treeEdges.length / EDGE;
    } else {
      this.nodes = new Int32Array(2048).fill(-1);
      this.edges = new Int32Array(EDGE * 2048);
      this.nodeCount = 1;
      this.edgeCount = 0;
    }
  }

  /** Puts term `id` (terms[id]) in the tree: minisearch's createPath, then the leaf set. */
  insert(id: number): void {
    const key = this.terms[id]!;
    const keyLength = key.length;
    let node = 0;
    let pos = 0;
    outer: while (pos < keyLength) {
      let prev = -1;
      for (let e = this.nodes[2 * node]!; e >= 0; prev = e, e = this.edges[EDGE * e + NEXT]!) {
        const at = EDGE * e;
        const start = pos;
        const end = this.edges[at + END]!;
        if (end === LEAF) continue;
        const label = this.terms[this.edges[at + TERM]!]!;
        if (key.charCodeAt(pos) !== label.charCodeAt(start)) continue;
        const len = Math.min(keyLength - pos, end - start);
        let offset = 1;
        while (offset < len && key.charCodeAt(pos + offset) === label.charCodeAt(start + offset)) ++offset;
        if (offset === end - start) {
          node = this.edges[at + TARGET]!;
        } else {
          // Partial match: an intermediate node holds the rest of this edge; the shared part is a
          // new edge at the end of the node (minisearch sets it, then deletes the old one).
          const intermediate = this.newNode();
          this.unlink(node, e, prev);
          this.append(intermediate, e);
          this.append(node, this.newEdge(id, pos + offset, intermediate));
          node = intermediate;
        }
        pos += offset;
        continue outer;
      }
      const child = this.newNode();
      this.append(node, this.newEdge(id, keyLength, child));
      node = child;
      break;
    }
    for (let e = this.nodes[2 * node]!; e >= 0; e = this.edges[EDGE * e + NEXT]!) {
      if (this.edges[EDGE * e + END] === LEAF) {
        this.edges[EDGE * e + TARGET] = -1 - id;
        return;
      }
    }
    this.append(node, this.newEdge(id, LEAF, -1 - id));
  }

  /**
   * Ids of the terms starting with `prefix` (itself included), in the order minisearch's
   * `atPrefix(prefix).keys()` lists them: depth first, each node's edges last to first.
   */
  withPrefix(prefix: string): number[] {
    const out: number[] = [];
    const node = this.nodeAt(prefix);
    if (node >= 0) this.collect(node, out);
    return out;
  }

  /**
   * Ids of the terms within `maxDistance` edits of `query`, each with its distance, in the order
   * minisearch's fuzzyGet finds them (its algorithm: one Levenshtein row per label character).
   */
  near(query: string, maxDistance: number): [number, number][] {
    const results: [number, number][] = [];
    const n = query.length + 1;
    const m = n + maxDistance;
    const matrix = new Uint8Array(m * n).fill(maxDistance + 1);
    for (let j = 0; j < n; ++j) matrix[j] = j;
    for (let i = 1; i < m; ++i) matrix[i * n] = i;
    this.fuzzy(0, query, maxDistance, results, matrix, 1, n);
    return results;
  }

  /** Its arrays, used parts only (copies), for a snapshot. */
  export(): TreeState {
    return { treeNodes: this.nodes.slice(0, 2 * this.nodeCount), treeEdges: this.edges.slice(0, EDGE * this.edgeCount) };
  }

  /** Bytes held (unused capacity included). */
  get bytes(): number {
    return this.nodes.byteLength + this.edges.byteLength;
  }

  /**
   * minisearch's trackDown, then atPrefix: the node the prefix leads to; when it ends inside an
   * edge, that edge's child (the first edge of the node the label starts with the rest); -1 if none.
   */
  private nodeAt(prefix: string): number {
    let node = 0;
    let pos = 0;
    outer: while (pos < prefix.length) {
      for (let e = this.nodes[2 * node]!; e >= 0; e = this.edges[EDGE * e + NEXT]!) {
        const at = EDGE * e;
        const start = pos;
        const end = this.edges[at + END]!;
        if (end === LEAF || end - start > prefix.length - pos) continue;
        if (prefix.startsWith(this.terms[this.edges[at + TERM]!]!.slice(start, end), pos)) {
          node = this.edges[at + TARGET]!;
          pos += end - start;
          continue outer;
        }
      }
      const rest = prefix.slice(pos);
      for (let e = this.nodes[2 * node]!; e >= 0; e = this.edges[EDGE * e + NEXT]!) {
        const at = EDGE * e;
        const start = pos;
        const end = this.edges[at + END]!;
        if (end !== LEAF && rest.length <= end - start && this.terms[this.edges[at + TERM]!]!.startsWith(rest, start)) return this.edges[at + TARGET]!;
      }
      return -1;
    }
    return node;
  }

  /** minisearch's TreeIterator: depth first, each node's edges from the last to the first. */
  private collect(node: number, out: number[]): void {
    // Edges still to visit; each node's pushed in insertion order, so its last is visited first.
    const stack: number[] = [];
    for (let e = this.nodes[2 * node]!; e >= 0; e = this.edges[EDGE * e + NEXT]!) stack.push(e);
    while (stack.length) {
      const e = stack.pop()!;
      const target = this.edges[EDGE * e + TARGET]!;
      if (this.edges[EDGE * e + END] === LEAF) out.push(-1 - target);
      else for (let c = this.nodes[2 * target]!; c >= 0; c = this.edges[EDGE * c + NEXT]!) stack.push(c);
    }
  }

  private fuzzy(node: number, query: string, maxDistance: number, results: [number, number][], matrix: Uint8Array, m: number, n: number): void {
    const offset = m * n;
    // Row m is the node's first label character's: the node's depth is m - 1.
    const start = m - 1;
    edge: for (let e = this.nodes[2 * node]!; e >= 0; e = this.edges[EDGE * e + NEXT]!) {
      const at = EDGE * e;
      const end = this.edges[at + END]!;
      if (end === LEAF) {
        const distance = matrix[offset - 1]!;
        if (distance <= maxDistance) results.push([-1 - this.edges[at + TARGET]!, distance]);
        continue;
      }
      const label = this.terms[this.edges[at + TERM]!]!;
      let i = m;
      for (let pos = start; pos < end; ++pos, ++i) {
        const char = label.charCodeAt(pos);
        const thisRowOffset = n * i;
        const prevRowOffset = thisRowOffset - n;
        // Read as minisearch reads it: past the matrix's end a row reads undefined, which prunes nothing.
        let minDistance = matrix[thisRowOffset] as number;
        const jmin = Math.max(0, i - maxDistance - 1);
        const jmax = Math.min(n - 1, i + maxDistance);
        for (let j = jmin; j < jmax; ++j) {
          const different = char !== query.charCodeAt(j);
          const rpl = matrix[prevRowOffset + j]! + +different;
          const del = matrix[prevRowOffset + j + 1]! + 1;
          const ins = matrix[thisRowOffset + j]! + 1;
          const dist = (matrix[thisRowOffset + j + 1] = Math.min(rpl, del, ins));
          if (dist < minDistance) minDistance = dist;
        }
        if (minDistance > maxDistance) continue edge;
      }
      this.fuzzy(this.edges[at + TARGET]!, query, maxDistance, results, matrix, i, n);
    }
  }

  private newNode(): number {
    const id = this.nodeCount++;
    if (2 * this.nodeCount > this.nodes.length) this.nodes = grow(this.nodes, 2 * this.nodeCount, -1);
    this.nodes[2 * id] = -1;
    this.nodes[2 * id + 1] = -1;
    return id;
  }

  private newEdge(term: number, end: number, target: number): number {
    const id = this.edgeCount++;
    if (EDGE * this.edgeCount > this.edges.length) this.edges = grow(this.edges, EDGE * this.edgeCount);
    const at = EDGE * id;
    this.edges[at + TERM] = term;
    this.edges[at + END] = end;
    this.edges[at + TARGET] = target;
    this.edges[at + NEXT] = -1;
    return id;
  }

  /** Puts edge `e` at the end of the node's chain. */
  private append(node: number, e: number): void {
    this.edges[EDGE * e + NEXT] = -1;
    const last = this.nodes[2 * node + 1]!;
    if (last < 0) this.nodes[2 * node] = e;
    else this.edges[EDGE * last + NEXT] = e;
    this.nodes[2 * node + 1] = e;
  }

  /** Takes edge `e` (after `prev`, -1 when first) out of the node's chain. */
  private unlink(node: number, e: number, prev: number): void {
    const next = this.edges[EDGE * e + NEXT]!;
    if (prev < 0) this.nodes[2 * node] = next;
    else this.edges[EDGE * prev + NEXT] = next;
    if (this.nodes[2 * node + 1] === e) this.nodes[2 * node + 1] = prev;
  }
}
