/**
 * `text` with the password of an MQTT URL (`mqtt://user:secret@host`) masked, for anything
 * that may reach a log or an API answer: a client library's error message may repeat what it
 * was given. The user name stays (it names who connects; it is not a secret).
 */
export function withoutSecrets(text: string, url: string): string {
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    // Not a URL at all: whatever it holds is kept out.
    return url === '' ? text : text.split(url).join('<MQTT_URL>');
  }
  if (password === '') return text;
  return [password, safeDecode(password)]
    .sort((a, b) => b.length - a.length)
    .reduce((out, secret) => out.split(secret).join('***'), text);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
