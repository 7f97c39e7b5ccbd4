/** The mirror's part of the control API: per shadow and action, how its answers compared with the primary's. */

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
