/**
 * The rules that keep every quantity in a maintenance report Twinlog's (docs/ai.md#maintenance-report):
 * the model's own text states no number in any form, and a figure's placeholder stands apart
 * from the words around it, so that no letter, sign or separator can turn a value into another
 * number ("{F1}e{F2}", "{F1}k", "{F1}٫{F2}").
 *
 * By principle rather than by a list of tricks:
 * - The model writes English in a small repertoire: letters a-z (accents allowed), ASCII
 *   punctuation, spaces, newlines and a few typographic quotes and dashes, each as NFKC leaves it.
 *   Invisible characters, combining marks, letters of other scripts, full-width and mathematical
 *   letters are refused outright (they hide or disguise a word from the reader or from the check).
 * - Twinlog's own text in the data block (twin names and ids, types, site, figure labels) is
 *   masked before the scan: "Pump One" or "DC drive" is the plant's name, not the model's number.
 * - A word is refused when it states or implies a count, a measure, a share, a multiplier or a
 *   time span ("twelve", "twentyish", "tenfold", "dozen", "once", "a day", "{F1} times", "xii").
 *   Words that only refer or order are allowed: determiners and pronouns ("no one", "one of",
 *   "each one", "both", "a pair of" the things the data names), and the sequence words "first"
 *   and "second" ("First, inspect...", "second opinion"); "third" and beyond rank, and are refused.
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

/** Besides letters: ASCII punctuation and space, tab, newline, and typographic quotes and dashes. */
const PUNCTUATION = /^[\x20-\x7E\t\r\n‘’“”–—]$/u;
/** A letter a-z or A-Z, with or without accents (its NFD is the letter then marks). */
const LATIN_LETTER = /^[A-Za-z]\p{M}*$/u;
export const REPERTOIRE =
  'write English with the letters a-z (accents allowed), ASCII punctuation, spaces and newlines, and the quotes ‘ ’ “ ” and dashes – — only: no invisible character, combining mark, letter of another script, full-width or mathematical letter';

/** Numbers as words: a word is a number when it is one of these... */
const NUMBER_WORDS = new Set([
  'zero', 'nought', 'naught', 'nil', 'one', 'ten', 'tens', 'tenth', 'tenths', 'third', 'thirds',
  'ninth', 'ninths', 'dozen', 'dozens', 'half', 'halves', 'halved', 'halving', 'quarter',
  'quarters', 'twice', 'thrice', 'once', 'double', 'doubled', 'doubles', 'doubling', 'triple',
  'tripled', 'treble', 'couple', 'single', 'percent', 'percentage', 'permille', 'fortnight',
  'fortnights', 'decade', 'decades', 'century', 'centuries', 'millennium', 'lakh', 'lakhs',
  'crore', 'crores', 'minus', 'squared', 'cubed', 'bn', 'mn', 'forty', 'fortieth', 'quarterly',
  'fortnightly',
]); // prettier-ignore
/** ...or begins with one of these stems (English builds numbers on them: "twentyfour", "sixfold")... */
const NUMBER_STEMS = [
  'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'eleven', 'twelve', 'twelf',
  'thirt', 'twent', 'fourt', 'fift', 'sixt', 'sevent', 'ninet', 'fortie', 'fourty', 'hundred',
  'thousand', 'million', 'billion', 'trillion', 'quadrillion', 'zillion', 'dozen', 'quadrupl',
  'quintupl', 'tripl',
]; // prettier-ignore
/** ...or is one of them with these endings ("tenfold", "tenish", "oneish"), but not these words. */
const NUMBER_ENDINGS = /(?:fold|ish|some|th|ths|s)$/;
const NOT_NUMBERS = new Set(['fourier', 'ones']);
/** A word made of numbers ("one-off", "twenty-one" are two words, each caught). */
function isNumberWord(word: string): boolean {
  if (NOT_NUMBERS.has(word)) return false;
  if (NUMBER_WORDS.has(word) || NUMBER_STEMS.some((stem) => word.startsWith(stem))) return true;
  const stem = word.replace(NUMBER_ENDINGS, '');
  return stem !== word && stem.length > 0 && isNumberWord(stem);
}

/**
 * Phrases that state a quantity though their words alone may not: a time span with an article
 * ("within a day" is "within one day"), a quantity noun ("a score of"), arithmetic on a figure, a
 * multiplier or a scale letter right after one ("{F1} times", "{F1} K").
 */
const NUMBER_PHRASES = new RegExp(
  [
    String.raw`\ban?\s+(?:minute|hour|day|week|month|quarter|year|decade|fortnight)\b`,
    String.raw`\ba\s+second\b(?!\s+[a-z])`,
    String.raw`\bper\s+second\b`,
    String.raw`\b(?:within|in|for|after|over|under|inside|per|every)\s+an?\s+shift\b`,
    String.raw`\b(?:a\s+score|scores)\s+of\b`,
    String.raw`\b(?:a\s+)?gross\s+of\b`,
    String.raw`\ba\s+gross\b`,
    String.raw`\bto\s+the\s+power\s+(?:of\b|\{F)`,
    String.raw`\bper\s+(?:cent|mille)\b`,
    String.raw`\bnegative\s+\{F\d+\}`,
    String.raw`\{F\d+\}[)]*\s+(?:times|grand|[KMBGTkmbgt])\b`,
  ].join('|'),
  'giu',
);
/** Phrases with a number word that refer rather than count: blanked before the words are read. */
const REFERRING = new RegExp(
  [
    String.raw`\b(?:no|each|every|any)\s+one\b`,
    String.raw`\bone\s+(?:of|another)\b`,
    String.raw`\bsingle\s+points?\s+of\s+failure\b`,
    // Compounds that name a kind of equipment or an action, not a count.
    String.raw`\b(?:single|double)[\s-](?:phase|acting|stage|check(?:s|ed|ing)?)\b`,
  ].join('|'),
  'giu',
);
/**
 * A Roman numeral: a well-formed one of two letters or more made of I V X in any case ("xii",
 * "VIII"), or of four letters or more in capitals ("MMXXVI"). Capitalised abbreviations such as
 * DC, LV, MV, CV or MCC are the plant's words and stay allowed.
 */
const WELL_FORMED_ROMAN = /^M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/;
function isRomanNumeral(word: string): boolean {
  const upper = word.toUpperCase();
  if (word.length < 2 || !WELL_FORMED_ROMAN.test(upper)) return false;
  return /^[ivx]+$/i.test(word) || (word.length >= 4 && word === upper);
}

/** What is wrong with one of the model's texts (`where` names it in each problem). */
export function textProblems(
  where: string,
  text: string,
  known: ReadonlySet<string>,
  twinlogs: readonly string[] = [],
): string[] {
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
  const outside = outsideRepertoire(mask(rest, twinlogs));
  if (outside.length > 0)
    problems.push(
      `${where}: ${outside.map((c) => `the character U+${c.code} (${quoteIn(text, c.at, c.length)})`).join(', ')} outside what may be written: ${REPERTOIRE}`,
    );
  // What the words are read from: NFKC, Twinlog's names masked, accents dropped.
  const read = fold(
    mask(
      text.normalize('NFKC'),
      twinlogs.map((t) => t.normalize('NFKC')),
    ),
  );
  const said = new Set<string>();
  const refuse = (what: string, at: number) => {
    const key = what.toLowerCase().replace(/\s+/g, ' ');
    if (said.has(key)) return;
    said.add(key);
    problems.push(
      `${where}: "${what}" states a number in words (${quoteIn(read, at, what.length)}): every quantity, count, share, rank, multiplier or duration must be a {F…} placeholder of a figure; otherwise leave it out (write "most urgent" or "next" for an order, "some" or "several" for an amount, "when" for "once")`,
    );
  };
  for (const phrase of read.matchAll(NUMBER_PHRASES)) refuse(phrase[0], phrase.index);
  const words = read.replace(REFERRING, (whole) => '_'.repeat(whole.length));
  for (const word of words.matchAll(/[A-Za-z]+/g)) {
    if (isNumberWord(word[0].toLowerCase())) refuse(word[0], word.index);
    else if (isRomanNumeral(word[0]) && !said.has(word[0].toLowerCase())) {
      said.add(word[0].toLowerCase());
      problems.push(
        `${where}: "${word[0]}" reads as a Roman numeral (${quoteIn(read, word.index, word[0].length)}): cite a figure as {F…} instead`,
      );
    }
  }
  return problems;
}

/** The text with each of Twinlog's strings (whole words, longest first) replaced by "_". */
function mask(text: string, twinlogs: readonly string[]): string {
  const names = [...new Set(twinlogs)]
    .filter((t) => t.trim().length >= 2 && !/[\p{N}{}]/u.test(t))
    .sort((a, b) => b.length - a.length);
  if (names.length === 0) return text;
  const any = new RegExp(
    `(?<![\\p{L}\\p{M}\\p{N}_])(?:${names.map(escapeRegExp).join('|')})(?![\\p{L}\\p{M}\\p{N}_])`,
    'gu',
  );
  return text.replace(any, (whole) => '_'.repeat(whole.length));
}

function escapeRegExp(text: string): string {
  // Only the syntax characters: under the u flag an escaped "-" is an error.
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The first few distinct characters outside the repertoire (digits and signs have their own
 * problem; the placeholders and Twinlog's names are blanked or masked before).
 */
function outsideRepertoire(text: string): Array<{ at: number; length: number; code: string }> {
  const found = new Map<string, { at: number; length: number; code: string }>();
  let at = 0;
  for (const char of text) {
    const allowed =
      PUNCTUATION.test(char) ||
      DIGIT.test(char) ||
      SIGN.test(char) ||
      (char.normalize('NFKC') === char && LATIN_LETTER.test(char.normalize('NFD')));
    if (!allowed && !found.has(char) && found.size < 5)
      found.set(char, {
        at,
        length: char.length,
        code: char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'),
      });
    at += char.length;
  }
  return [...found.values()];
}

/** Accents dropped, so that "twélve" reads as "twelve". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
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
