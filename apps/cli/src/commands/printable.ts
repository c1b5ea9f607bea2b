/**
 * Text from outside Twinlog (a model's words, a label it chose) made safe for a terminal: every
 * control character but tab and newline becomes a space, so no escape sequence (a screen clear, a
 * terminal reset, a title or a hyperlink) reaches the screen.
 */
export const printable = (text: string) =>
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ');
