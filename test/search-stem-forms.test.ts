import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/index.js';
import type { StemForms } from '../src/core/search/stem-forms.js';
import { corpusOfKind } from '../bench/lib/synthetic.js';
import { ReferenceStemForms } from './support/reference-stem-forms.js';

/** Feeds every form PaperIndex notes to a reference that keeps every form's papers. */
function observe(index: PaperIndex): { forms: StemForms; reference: ReferenceStemForms } {
  const forms = (index as unknown as { forms: StemForms }).forms;
  const reference = new ReferenceStemForms();
  const idFor = forms.idFor.bind(forms);
  const addDoc = forms.addDoc.bind(forms);
  forms.idFor = (term, form, doc) => {
    const id = idFor(term, form, doc);
    expect(reference.idFor(term, form)).toBe(id);
    return id;
  };
  forms.addDoc = (id, doc) => {
    reference.addDoc(id, doc);
    addDoc(id, doc);
  };
  return { forms, reference };
}

function expectSameForms(forms: StemForms, reference: ReferenceStemForms, terms: number): void {
  let multi = 0;
  for (let t = 0; t < terms; t++) {
    expect(forms.count(t)).toBe(reference.count(t));
    expect(forms.of(t)).toEqual(reference.of(t));
    if (reference.count(t) > 1) multi++;
  }
  expect(multi).toBeGreaterThan(100);
}

describe('stem forms from the postings', () => {
  it('give every term the forms and papers a store of every form\'s papers gives, built and restored then added to', async () => {
    const seeds = (await loadCorpus('seeds')).papers;
    const papers = [...seeds, ...corpusOfKind('heaps', seeds, 3000)];
    const index = new PaperIndex();
    const { forms, reference } = observe(index);
    index.add(papers.slice(0, 2000), { fit: false });
    expectSameForms(forms, reference, index.vocabularySize);

    const byId = new Map(papers.map((p) => [p.id, p]));
    const restored = PaperIndex.restore(index.exportState(), (id) => byId.get(id));
    const after = observe(restored);
    // The reference starts from the written state's forms, and sees the adds after.
    after.reference.load(reference.export());
    restored.add(papers.slice(2000), { fit: false });
    expectSameForms(after.forms, after.reference, restored.vocabularySize);
  }, 60_000);
});
