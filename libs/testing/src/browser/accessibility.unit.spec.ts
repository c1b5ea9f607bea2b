import { describeViolations } from './accessibility';

describe('describeViolations: what a failed accessibility check prints', () => {
  it('one line per rule with its impact and help link, then the offending elements', () => {
    expect(
      describeViolations([
        {
          id: 'button-name',
          impact: 'critical',
          help: 'Buttons must have discernible text',
          helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/button-name',
          targets: ['#run', '.toolbar > button'],
        },
        { id: 'x', impact: undefined, help: 'h', helpUrl: 'u', targets: [] },
      ]),
    ).toBe(
      [
        '  - [critical] button-name: Buttons must have discernible text (https://dequeuniversity.com/rules/axe/4.14/button-name)',
        '      at #run',
        '      at .toolbar > button',
        '  - [unknown] x: h (u)',
      ].join('\n'),
    );
  });
});
