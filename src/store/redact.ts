/**
 * Payload retention (`--payloads full|redacted|none`). Redacted keeps the frame's shape and masks what identifies a
 * person or opens a door: idTag / idToken values, passwords, authorization keys, and configuration values set for
 * keys that hold secrets.
 */
export type PayloadMode = 'full' | 'redacted' | 'none';
export const PAYLOAD_MODES: readonly PayloadMode[] = ['full', 'redacted', 'none'];

export const MASK = '***';

/** Keys whose (string or number) values are masked wherever they appear. */
const SECRET_KEY = /^(idTag|parentIdTag|idToken|password|.*Password|authorizationKey|basicAuthPassword|pin|secret|.*Secret)$/i;
/** Configuration key names (1.6 ChangeConfiguration/GetConfiguration, 2.0.1 variable names) that hold secrets. */
const SECRET_SETTING = /password|authorizationkey|secret|passphrase|privatekey/i;

function maskValue(v: unknown): unknown {
  if (typeof v === 'string' || typeof v === 'number') return MASK;
  return redactValue(v);
}

function redactValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactValue);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  // { key: 'AuthorizationKey', value: '…' } (1.6) and { variable: { name: 'BasicAuthPassword' }, attributeValue: '…' } (2.0.1)
  const settingName =
    (typeof o.key === 'string' && o.key) ||
    (typeof (o.variable as { name?: unknown } | undefined)?.name === 'string' && (o.variable as { name: string }).name) ||
    '';
  const secretSetting = settingName !== '' && SECRET_SETTING.test(settingName);
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) {
    if (SECRET_KEY.test(k)) out[k] = maskValue(val);
    else if (secretSetting && (k === 'value' || k === 'attributeValue')) out[k] = MASK;
    else out[k] = redactValue(val);
  }
  return out;
}

/** The frame text with secrets masked; text that is not JSON is not kept (it cannot be masked safely). */
export function redactFrameText(text: string): string {
  if (text === '') return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `<not JSON, ${Buffer.byteLength(text)} bytes, not kept>`;
  }
  return JSON.stringify(redactValue(parsed));
}

export function retainPayload(text: string | undefined, mode: PayloadMode): string {
  if (!text || mode === 'none') return '';
  return mode === 'full' ? text : redactFrameText(text);
}
