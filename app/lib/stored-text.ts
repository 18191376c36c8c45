// FleetLM's data is not user input to refuse: a user id or message text may hold characters PostgreSQL's text
// cannot (NUL), and the database guard refuses them on both providers. Values that came from FleetLM are escaped
// reversibly on their way into the database and unescaped on their way back out (ADR 065).
//
// The code is prefix-free: ESC → ESC ESC, NUL → ESC "0". Text without either character is stored as it is, so
// ordinary ids keep their index order and prefix searches work unchanged.
const ESC = "\u2400"; // SYMBOL FOR NULL, so an escaped value still reads as "a NUL was here" wherever it shows
const NEEDS_ESCAPE = /[\u0000\u2400]/;

export function toStored(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[\u0000\u2400]/g, (c) => (c === ESC ? ESC + ESC : `${ESC}0`));
}

export function fromStored(text: string): string {
  if (!text.includes(ESC)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ESC && (text[i + 1] === ESC || text[i + 1] === "0")) {
      out += text[i + 1] === ESC ? ESC : "\u0000";
      i += 1;
    } else out += c;
  }
  return out;
}

/** Control characters made visible (NUL → ␀), for showing a FleetLM value faithfully in the browser. */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => String.fromCharCode(c === "\u007f" ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}
