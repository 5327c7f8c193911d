/** A value as Open311 XML carries it: element per field, arrays as repeated child elements. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [k: string]: XmlValue };

/** Escapes text for XML content and drops characters XML 1.0 cannot carry. */
export function escapeXml(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g,
      '',
    );
}

function element(name: string, v: XmlValue, itemName: (parent: string) => string): string {
  if (v === null || v === undefined) return `<${name}/>`;
  if (Array.isArray(v)) return `<${name}>${v.map((x) => element(itemName(name), x, itemName)).join('')}</${name}>`;
  if (typeof v === 'object') {
    return `<${name}>${Object.entries(v)
      .map(([k, x]) => element(k, x, itemName))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(v))}</${name}>`;
}

/** Child element names of Open311's list containers. */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
};

/**
 * Serialises `value` as an XML document whose root is `root` (`services`, `service_requests`, `errors`,
 * `service_definition`), the way GeoReport v2's XML examples nest them.
 */
export function toXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, (p) => ITEM_NAMES[p] ?? 'item')}`;
}
