import { describe, expect, test } from 'vitest';
import { chartLegend, tooltipHtml, tooltipIndex } from './option-parts.ts';

describe('tooltipHtml', () => {
  test('a title, a row per value (a dot for a series colour), a foot; every text escaped', () => {
    expect(
      tooltipHtml(
        '3月',
        [
          ['A & B', '<1'],
          ['C', '2 kW', '#35a673'],
        ],
        'x "y"',
      ),
    ).toBe(
      '<div class="tt"><div class="tt-title">3月</div>' +
        '<div class="tt-row">A &#38; B<b>&#60;1</b></div>' +
        '<div class="tt-row"><span class="tt-dot" style="background:#35a673"></span>C<b>2 kW</b></div>' +
        '<div class="tt-foot">x &#34;y&#34;</div></div>',
    );
  });
  test('without rows or foot, only the title', () => {
    expect(tooltipHtml('T', [])).toBe('<div class="tt"><div class="tt-title">T</div></div>');
  });
});

test('tooltipIndex reads an axis tooltip’s params or an item tooltip’s one param', () => {
  expect(tooltipIndex([{ dataIndex: 3 }, { dataIndex: 3 }])).toBe(3);
  expect(tooltipIndex({ dataIndex: 2 })).toBe(2);
  expect(tooltipIndex([])).toBe(0);
});

test('chartLegend sits at the top, right unless told left', () => {
  expect(chartLegend()).toMatchObject({ top: 0, right: 0 });
  expect(chartLegend('left')).toMatchObject({ top: 0, left: 0 });
  expect(chartLegend('left')).not.toHaveProperty('right');
});
