/**
 * The "in a row" fold of countCases (activities/category-runs.ts): start order with ties broken by
 * case id, a run continued from the previous check, and the watermark stopping before a case
 * whose category is not visible yet.
 */
import { categoryRuns, type ListedCase } from '../../../activities/category-runs';

const at = (id: string, start: number, category?: string): ListedCase => ({ id, start, category });
const none = { category: '', count: 0 };

it('folds cases into runs in start order, ties by case id, whatever order visibility lists them in', () => {
  const listed = [
    at('c3', 30, 'payment'),
    at('c1', 10, 'payment'),
    at('c2b', 20, 'payment'),
    at('c2a', 20, 'privacy'),
    at('c4', 40, 'privacy'),
  ];
  expect(categoryRuns(listed, none, 100, 0)).toEqual({
    runs: [
      { category: 'payment', count: 1, continued: false, firstCase: 'c1', lastCase: 'c1' },
      { category: 'privacy', count: 1, continued: false, firstCase: 'c2a', lastCase: 'c2a' },
      { category: 'payment', count: 2, continued: false, firstCase: 'c2b', lastCase: 'c3' },
      { category: 'privacy', count: 1, continued: false, firstCase: 'c4', lastCase: 'c4' },
    ],
    seen: 5,
    skipped: [],
    watermark: 100,
  });
});

it('continues the run the previous check ended with, and only that one', () => {
  const listed = [at('c5', 50, 'payment'), at('c6', 60, 'payment'), at('c7', 70, 'privacy')];
  const { runs } = categoryRuns(listed, { category: 'payment', count: 3 }, 100, 0);
  expect(runs).toEqual([
    { category: 'payment', count: 5, continued: true, firstCase: 'c5', lastCase: 'c6' },
    { category: 'privacy', count: 1, continued: false, firstCase: 'c7', lastCase: 'c7' },
  ]);
  // A different first category starts a new run: the carried one ended.
  expect(categoryRuns([at('c8', 80, 'privacy')], { category: 'payment', count: 3 }, 100, 0).runs[0]).toMatchObject({
    count: 1,
    continued: false,
  });
});

it('stops before a case whose category is not visible yet, and leaves it and later ties for the next check', () => {
  const listed = [at('c1', 10, 'payment'), at('c2', 20, 'payment'), at('c3', 30), at('c3b', 30, 'payment'), at('c4', 40, 'payment')];
  const result = categoryRuns(listed, none, 100, 0);
  expect(result).toMatchObject({ seen: 2, watermark: 29, skipped: [] });
  expect(result.runs).toEqual([{ category: 'payment', count: 2, continued: false, firstCase: 'c1', lastCase: 'c2' }]);
});

it('passes over a case that never got a category once it is older than giveUpBefore', () => {
  const listed = [at('c1', 10, 'payment'), at('failed', 20), at('c3', 30, 'payment')];
  expect(categoryRuns(listed, none, 100, 25)).toMatchObject({ seen: 2, skipped: ['failed'], watermark: 100, runs: [{ count: 2 }] });
});

it('returns no runs and the given watermark when nothing started', () => {
  expect(categoryRuns([], { category: 'payment', count: 4 }, 100, 0)).toEqual({ runs: [], seen: 0, skipped: [], watermark: 100 });
});

it('folds at most maxCases cases, stopping at a start time so same-millisecond cases stay together', () => {
  const listed = [
    at('c1', 10, 'payment'),
    at('c2', 20, 'payment'),
    at('c3a', 30, 'payment'),
    at('c3b', 30, 'privacy'),
    at('c4', 40, 'payment'),
  ];
  expect(categoryRuns(listed, none, 100, 0, 3)).toMatchObject({ seen: 2, watermark: 29, runs: [{ category: 'payment', count: 2 }] });
});
