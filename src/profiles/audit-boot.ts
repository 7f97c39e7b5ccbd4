/**
 * The station's own word against its certificate: the vendor, model and firmware its BootNotification names should
 * be the certificate's holder, product and firmware. A station bound by identity glob to another product's
 * certificate is audited against figures that are not its own: said as a warning, per field.
 * Lenient on spelling (case, spaces, punctuation; one name may contain the other: "SPARKBOX" / "SPARKBOX GROUP").
 */
import type { BootFacts } from './bindings.js';
import type { FindingSink } from './audit-types.js';
import type { CertifiedProfile } from './profile-types.js';

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether two names denote the same thing, allowing one to be a longer form of the other. */
export function sameName(a: string, b: string): boolean {
  const x = squash(a);
  const y = squash(b);
  return x !== '' && y !== '' && (x.includes(y) || y.includes(x));
}

export function checkBoot(station: string, profile: CertifiedProfile, boot: BootFacts | undefined, sink: FindingSink): void {
  if (!boot) return;
  const facts: Array<[keyof BootFacts, string, string | undefined]> = [
    ['vendor', 'holder', profile.holder],
    ['model', 'product', profile.product],
    ['firmware', 'firmware', profile.softwareVersion],
  ];
  for (const [field, what, certified] of facts) {
    const said = boot[field];
    if (!said || !certified || sameName(said, certified)) continue;
    sink.add(
      {
        level: 'warning',
        station,
        code: 'boot_mismatch',
        message: `its BootNotification names ${field} "${said}", the certificate ${what} "${certified}": is the right certificate bound to it?`,
      },
      field,
    );
  }
}

/** For a station no profile applies to: what its BootNotification said, to write a binding with. */
export function bootHint(boot: BootFacts | undefined): string {
  if (!boot) return 'no BootNotification recorded for it';
  const parts = (['vendor', 'model', 'firmware'] as const).filter((k) => boot[k]).map((k) => `${k} "${boot[k]}"`);
  if (parts.length === 0) return 'its BootNotification named no vendor or model';
  const match = (['vendor', 'model'] as const).filter((k) => boot[k]).map((k) => `${k}: ${JSON.stringify(boot[k])}`).join(', ');
  return `its BootNotification names ${parts.join(', ')}; a binding for it: match: {${match}}`;
}
