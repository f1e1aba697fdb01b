/**
 * `{{name}}` placeholders in prompt texts, attribute values and lookup URLs, filled from the call's
 * attributes. A missing attribute renders as nothing: a caller never hears "undefined".
 */

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9_.-]{0,63})\}\}/g;

export function renderTemplate(
  text: string,
  attributes: Readonly<Record<string, string>>,
  encode: (value: string) => string = (v) => v,
): string {
  // Own properties only: `{{constructor}}` is an attribute nobody set, not Object's.
  return text.replace(PLACEHOLDER, (_, name: string) =>
    encode(Object.hasOwn(attributes, name) ? (attributes[name] ?? '') : ''),
  );
}
