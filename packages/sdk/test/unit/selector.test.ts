import { describe, expect, it } from 'vitest';
import { selectorOf, type SelectorNode } from '../../src/selector.js';

/** A tiny element tree: [tag, attrs, children]. */
type Spec = [string, { id?: string; class?: string }?, Spec[]?];

function build(spec: Spec, parent: SelectorNode | null = null): SelectorNode {
  const [tag, attrs = {}, kids = []] = spec;
  const node: SelectorNode & { kids: SelectorNode[] } = {
    localName: tag,
    id: attrs.id ?? '',
    classList: (attrs.class ?? '').split(/\s+/).filter(Boolean),
    parentElement: parent,
    previousElementSibling: null,
    nextElementSibling: null,
    kids: [],
  };
  node.kids = kids.map((k) => build(k, node));
  node.kids.forEach((k, i) => {
    k.previousElementSibling = node.kids[i - 1] ?? null;
    k.nextElementSibling = node.kids[i + 1] ?? null;
  });
  return node;
}

const find = (n: SelectorNode & { kids?: SelectorNode[] }, path: number[]): SelectorNode =>
  path.reduce<SelectorNode & { kids?: SelectorNode[] }>((x, i) => x.kids![i]!, n);

describe('selectorOf', () => {
  const body = build([
    'body',
    {},
    [
      ['header', { id: 'top' }, [['button', { class: 'btn primary active' }]]],
      [
        'ul',
        { class: 'menu' },
        [
          ['li', {}, [['a']]],
          ['li', {}, [['a']]],
          ['li', {}, [['a']]],
        ],
      ],
      ['div', { id: 'ember1234' }, [['span'], ['p', { class: 'is-open lead' }]]],
      ['section', { class: 'a:b' }, [['em']]],
    ],
  ]);

  it('stops at the nearest ancestor with an id', () => {
    expect(selectorOf(find(body, [0, 0]))).toBe('#top > button.btn.primary');
  });

  it('numbers siblings that share a tag, and only those', () => {
    expect(selectorOf(find(body, [1, 1, 0]))).toBe('ul.menu > li:nth-of-type(2) > a');
    expect(selectorOf(find(body, [1, 0, 0]))).toBe('ul.menu > li:nth-of-type(1) > a');
  });

  it('skips generated ids, state classes and names that would need escaping', () => {
    expect(selectorOf(find(body, [2, 1]))).toBe('div > p.lead');
    expect(selectorOf(find(body, [3, 0]))).toBe('section > em');
  });

  it('stays within the collector’s selector length, keeping the part nearest the element', () => {
    let spec: Spec = ['b', { class: 'target' }];
    for (let i = 0; i < 200; i++) spec = ['div', { class: `level-${i}` }, [spec]];
    let node = build(['body', {}, [spec]]) as SelectorNode & { kids: SelectorNode[] };
    while (node.kids.length) node = node.kids[0] as SelectorNode & { kids: SelectorNode[] };
    const s = selectorOf(node);
    expect(s.length).toBeLessThanOrEqual(1024);
    expect(s.endsWith('div.level-0 > b.target')).toBe(true);
    expect(s.startsWith('div.level-')).toBe(true);
  });
});
