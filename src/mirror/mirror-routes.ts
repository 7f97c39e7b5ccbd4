/** The mirror's part of the control API: per shadow and action, how its answers compared with the primary's. */
import { typedRoutes, type ControlRoutes } from '../core/control-routes.js';

export interface MirrorActionCount {
  mirror: string;
  action: string;
  compared: number;
  differing: number;
  noAnswer: number;
}

export interface MirrorRoutes {
  'GET /api/mirror': { response: MirrorActionCount[] };
}

export function registerMirrorRoutes(control: ControlRoutes, counts: () => MirrorActionCount[]): void {
  typedRoutes<MirrorRoutes>(control)('GET /api/mirror', counts);
}
