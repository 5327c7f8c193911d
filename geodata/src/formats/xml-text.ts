/** A node of {@link renderXml}: an element with text or children; `null` / `undefined` children are skipped. */
export type XmlNode = { name: string; attrs?: Record<string, string>; text?: string; children?: XmlChild[] };
export type XmlChild = XmlNode | null | undefined | false;

/**
 * Escapes text for XML content and attribute values. Characters XML 1.0 cannot hold at all (C0 controls other
 * than tab, LF, CR) are dropped: a name typed with a stray control character must not make the file unreadable.
 */
export function escapeXml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** Element with text content. */
export function el(name: string, text: string | number): XmlNode {
  return { name, text: String(text) };
}

/** Element with child elements. */
export function node(name: string, children: XmlChild[], attrs?: Record<string, string>): XmlNode {
  return { name, children, ...(attrs ? { attrs } : {}) };
}

/** Renders a tree as indented XML (two spaces), with the UTF-8 declaration. */
export function renderXml(root: XmlNode): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const walk = (n: XmlNode, depth: number) => {
    const pad = '  '.repeat(depth);
    const attrs = Object.entries(n.attrs ?? {})
      .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
      .join('');
    const kids = (n.children ?? []).filter((c): c is XmlNode => !!c);
    if (n.text !== undefined) out.push(`${pad}<${n.name}${attrs}>${escapeXml(n.text)}</${n.name}>`);
    else if (kids.length === 0) out.push(`${pad}<${n.name}${attrs}/>`);
    else {
      out.push(`${pad}<${n.name}${attrs}>`);
      kids.forEach((k) => walk(k, depth + 1));
      out.push(`${pad}</${n.name}>`);
    }
  };
  walk(root, 0);
  return out.join('\n') + '\n';
}

/** A number as WPML/KML text: finite, at most `digits` decimals, no exponent, no trailing zeros. */
export function num(v: number, digits = 6): string {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  const s = v.toFixed(digits);
  const t = s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  return t === '-0' ? '0' : t;
}
