/**
 * The rules that keep every quantity in a maintenance report Twinlog's (docs/ai.md#maintenance-report):
 * the model's own text states no number in any form, and a figure's placeholder stands apart
 * from the words around it, so that no letter, sign or separator can turn a value into another
 * number ("{F1}e{F2}", "{F1}k", "{F1}٫{F2}"). English only: a number in words of another language
 * is not caught (the instructions ask for English).
 */

/** A figure's placeholder as the model must write it. */
export const PLACEHOLDER = /\{(F\d+)\}/g;

/** Any digit of any script (3, ３, ٣, ③, Ⅻ, ½...). */
const DIGIT = /\p{N}/u;
/** Signs that make a share or a measure of whatever stands before them. */
const SIGN = /[%‰‱°]/u;

/**
 * The closed set of what may stand next to a placeholder. Before: the start or a space, then
 * any `(`. After: the end or a space, or a run of `) , ; : . ! ?` ended by a space or the end.
 */
const OPEN_BEFORE = /(?:^|\s)\(*$/u;
const CLOSE_AFTER = /^(?:[),;:.!?]*(?:\s|$))/u;
export const AROUND_A_PLACEHOLDER =
  'a placeholder stands between spaces: right before it only "(" (itself after a space), right after it only ) , ; : . ! ? followed by a space or the end';

const CARDINALS = [
  'zero', 'nought', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen',
  'nineteen', 'twenty', 'thirty', 'forty', 'fourty', 'fifty', 'sixty', 'seventy', 'eighty',
  'ninety', 'hundred', 'thousand', 'million', 'billion', 'trillion',
]; // prettier-ignore
const ORDINALS = [
  'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth',
  'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth',
  'eighteenth', 'nineteenth', 'twentieth', 'thirtieth', 'fortieth', 'fiftieth', 'sixtieth',
  'seventieth', 'eightieth', 'ninetieth', 'hundredth', 'thousandth', 'millionth', 'billionth',
]; // prettier-ignore
/** Words that state a quantity or a ratio without being a cardinal or an ordinal. */
const QUANTITY_WORDS = [
  'tens', 'dozen', 'dozens', 'hundreds', 'thousands', 'millions', 'billions', 'trillions',
  'half', 'halves', 'halved', 'quarter', 'quarters', 'twice', 'thrice', 'double', 'doubled',
  'triple', 'tripled', 'quadruple', 'couple', 'pair', 'pairs', 'both', 'single', 'percent',
  'percentage point', 'percentage points', 'per cent', 'per mille', 'permille', 'fortnight',
  'decade', 'decades', 'century', 'k', 'bn', 'mn',
  // A duration with an article is one of it: "within a day" is "within one day".
  'a minute', 'an hour', 'a day', 'a week', 'a month', 'a quarter', 'a year', 'a shift',
]; // prettier-ignore
const NUMBER_WORD = new RegExp(
  `(?<![\\p{L}\\p{M}\\p{N}_])(?:${[...CARDINALS, ...ORDINALS, ...QUANTITY_WORDS]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/ /g, '\\s+'))
    .join('|')})(?![\\p{L}\\p{M}\\p{N}_])`,
  'giu',
);
/**
 * A Roman numeral of two letters or more, in capitals (II, XII, DC, XL...): only well-formed
 * ones, so that capitalised words such as MILL or CIVIL stay words.
 */
const ROMAN = /(?<![\p{L}\p{M}\p{N}_])[IVXLCDM]{2,}(?![\p{L}\p{M}\p{N}_])/gu;
const WELL_FORMED_ROMAN = /^M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/;

/** What is wrong with one of the model's texts (`where` names it in each problem). */
export function textProblems(where: string, text: string, known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [whole, id] = match;
    const start = match.index;
    const end = start + whole.length;
    if (!known.has(id!)) problems.push(`${where}: {${id}} is not one of the figures`);
    for (const glued of gluedTo(text.slice(0, start), text.slice(end)))
      problems.push(
        glued.side === 'after' && /^\{F\d+\}$/.test(glued.what)
          ? `${where}: {${id}} and ${glued.what} are glued together (${quoteIn(text, start, whole.length)}), which reads as one number: put words or spaces between two placeholders`
          : `${where}: {${id}} is glued to ${JSON.stringify(glued.what)} ${glued.side} it (${quoteIn(text, start, whole.length)}): ${AROUND_A_PLACEHOLDER}`,
      );
  }
  // The text without its placeholders, at the same offsets (a quote shows the model its own text).
  const rest = text.replace(PLACEHOLDER, (whole) => ' '.repeat(whole.length));
  const digit = DIGIT.exec(rest);
  if (digit)
    problems.push(
      `${where}: a digit outside a placeholder (${quoteIn(text, digit.index, 1)}): write every number as a {F…} placeholder of a figure`,
    );
  const sign = SIGN.exec(rest);
  if (sign)
    problems.push(
      `${where}: the sign "${sign[0]}" outside a placeholder (${quoteIn(text, sign.index, 1)}): a figure's unit comes with its value; leave the sign out`,
    );
  const words = new Set<string>();
  for (const word of rest.matchAll(NUMBER_WORD)) {
    const said = word[0].toLowerCase().replace(/\s+/g, ' ');
    if (words.has(said)) continue;
    words.add(said);
    problems.push(
      `${where}: "${word[0]}" states a number in words (${quoteIn(text, word.index, word[0].length)}): every quantity, count, share, rank or duration must be a {F…} placeholder of a figure; otherwise leave it out (write "most urgent" or "next" for an order, "some" or "several" for an amount)`,
    );
  }
  for (const numeral of rest.matchAll(ROMAN)) {
    if (!WELL_FORMED_ROMAN.test(numeral[0])) continue;
    problems.push(
      `${where}: "${numeral[0]}" reads as a Roman numeral (${quoteIn(text, numeral.index, numeral[0].length)}): cite a figure as {F…} instead, and spell out an abbreviation made only of the letters I V X L C D M`,
    );
  }
  return problems;
}

function quoteIn(text: string, at: number, length: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 20), at + length + 20));
}

/** What a placeholder is glued to: the offending neighbour on each side. */
function gluedTo(before: string, after: string): Array<{ what: string; side: 'before' | 'after' }> {
  const glued: Array<{ what: string; side: 'before' | 'after' }> = [];
  // A placeholder right after another was reported with the first of the two.
  if (!OPEN_BEFORE.test(before) && !/\{F\d+\}[),;:.!?]*$/.test(before))
    glued.push({ what: [...before].at(-1)!, side: 'before' });
  if (!CLOSE_AFTER.test(after)) {
    const run = /^[),;:.!?]*/.exec(after)![0];
    const rest = after.slice(run.length);
    const next = /^\{F\d+\}/.exec(rest);
    glued.push({ what: next ? next[0] : run + [...rest][0]!, side: 'after' });
  }
  return glued;
}
