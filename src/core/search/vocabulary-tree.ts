import SearchableMap from 'minisearch/SearchableMap';

/** minisearch's radix tree: a Map per node, edge label -> child node, and '' -> the value. */
type TreeNode = Map<string, TreeNode | number>;
const LEAF = '';
/** Nodes walked between two yields of exportTree. */
const TREE_NODES_PER_STEP = 20_000;

/** A radix tree as a snapshot keeps it, so it is rebuilt node by node rather than re-inserted term by term. */
export interface TreeState {
  treeKeys: string[];
  treeInts: Int32Array;
}

/**
 * Pre-order: per node its entry count, then per entry its label and either the value ('' entries)
 * or the child. Yields every TREE_NODES_PER_STEP nodes, so a caller can pause between.
 */
export function* exportTree(map: SearchableMap<number>): Generator<void, TreeState> {
  const keys: string[] = [];
  const ints: number[] = [];
  const root = (map as unknown as { _tree: TreeNode })._tree;
  // An explicit stack (not recursion), so the walk can pause between nodes.
  const stack: Iterator<[string, TreeNode | number]>[] = [];
  const enter = (node: TreeNode) => {
    ints.push(node.size);
    stack.push(node.entries());
  };
  enter(root);
  let nodes = 0;
  while (stack.length) {
    const next = stack[stack.length - 1]!.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const [key, child] = next.value;
    keys.push(key);
    if (key === LEAF) ints.push(child as number);
    else {
      enter(child as TreeNode);
      if (++nodes % TREE_NODES_PER_STEP === 0) yield;
    }
  }
  return { treeKeys: keys, treeInts: Int32Array.from(ints) };
}

export function importTree({ treeKeys: keys, treeInts: ints }: TreeState): SearchableMap<number> {
  let k = 0;
  let i = 0;
  const read = (): TreeNode => {
    const node: TreeNode = new Map();
    for (let n = ints[i++]!; n > 0; n--) {
      const key = keys[k++]!;
      node.set(key, key === LEAF ? ints[i++]! : read());
    }
    return node;
  };
  return new SearchableMap<number>(read() as never);
}
