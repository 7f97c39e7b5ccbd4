/**
 * The flags of a recorded frame, one character each in a fixed order so columns line up. One table for every
 * place that shows them (the live view, `frames`), with the legend printed beside them.
 */
export interface FrameFlagFacts {
  valid: boolean;
  modified: boolean;
  dropped: boolean;
  injected: boolean;
  delayed: boolean;
}

export const FRAME_FLAGS: ReadonlyArray<{ char: string; name: string; on: (f: FrameFlagFacts) => boolean }> = [
  { char: '!', name: 'invalid', on: (f) => !f.valid },
  { char: 'M', name: 'modified', on: (f) => f.modified },
  { char: 'X', name: 'dropped', on: (f) => f.dropped },
  { char: '+', name: 'injected', on: (f) => f.injected },
  { char: '~', name: 'delayed', on: (f) => f.delayed },
];

/** E.g. "! X  " for an invalid, dropped frame: a blank where a flag is off. */
export const flagString = (f: FrameFlagFacts): string => FRAME_FLAGS.map((x) => (x.on(f) ? x.char : ' ')).join('');

export const FLAG_LEGEND = FRAME_FLAGS.map((x) => `${x.char} ${x.name}`).join('  ');
